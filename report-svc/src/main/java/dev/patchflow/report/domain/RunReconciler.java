package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;

import dev.patchflow.report.config.ReportConfig;

/**
 * Repairs what a crash can leave behind, so that no run stalls: a terminal counter that missed an
 * increment (recount idle runs from their target views) and a completion that was claimed but not
 * finished (finish it again; same files, same event id).
 */
@ApplicationScoped
public class RunReconciler {

    private static final Logger LOG = Logger.getLogger(RunReconciler.class);

    private final ViewStore store;
    private final RunFinisher finisher;
    private final ReportConfig config;
    private final Clock clock;

    public RunReconciler(ViewStore store, RunFinisher finisher, ReportConfig config, Clock clock) {
        this.store = store;
        this.finisher = finisher;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${patchflow.report.reconcile-interval:2s}", delayed = "${patchflow.report.reconcile-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            reconcile();
        } catch (RuntimeException e) {
            LOG.warn("reconciliation failed, retrying at the next tick", e);
        }
    }

    /** One pass; returns the number of runs it repaired or finished. */
    public int reconcile() {
        Instant now = clock.instant();
        int repaired = 0;
        for (String runId : store.idleRunningRuns(now.minus(config.reconcileIdle()))) {
            int before = store.run(runId).map(RunView::terminal).orElse(0);
            int counted = store.recountTerminal(runId, now);
            if (counted != before) {
                LOG.warnf("run %s: terminal counter was %d, recounted %d", runId, before, counted);
                repaired++;
            }
            finisher.completeIfDone(runId);
        }
        for (String runId : store.staleCompletingRuns(now.minus(config.completionTimeout()))) {
            if (store.reclaimCompletion(runId, now.minus(config.completionTimeout()), now)) {
                LOG.warnf("run %s: completion was interrupted, finishing it again", runId);
                finisher.finishQuietly(runId);
                repaired++;
            }
        }
        return repaired;
    }
}
