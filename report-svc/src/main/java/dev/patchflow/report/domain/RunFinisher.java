package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.report.domain.format.ReportRenderer;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunOutcome;

/**
 * Completes a run exactly once from the report's point of view: whoever flips RUNNING to COMPLETING
 * writes the four reports, emits RunCompleted (deterministic id) and marks the run COMPLETED. A crash in
 * between leaves the run COMPLETING; the reconciler finishes it again, which overwrites the same files
 * and re-emits the same event id, so downstream sees one completion.
 */
@ApplicationScoped
public class RunFinisher {

    private static final Logger LOG = Logger.getLogger(RunFinisher.class);

    private final ViewStore store;
    private final ReportRenderer renderer;
    private final ReportArchive archive;
    private final CompletionPublisher publisher;
    private final Clock clock;

    public RunFinisher(ViewStore store, ReportRenderer renderer, ReportArchive archive, CompletionPublisher publisher,
            Clock clock) {
        this.store = store;
        this.renderer = renderer;
        this.archive = archive;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Completes the run if the rules say it is done and nobody else is completing it. */
    public void completeIfDone(String runId) {
        RunView run = store.run(runId).orElse(null);
        if (run == null || run.state() != RunState.RUNNING || !RunRules.isComplete(run)) {
            return;
        }
        // The counter is a cheap trigger; completion is decided on the targets themselves, so a counter
        // that ran ahead (an increment racing a recount) can never complete a run early.
        if (!run.rejected() && store.countTerminal(runId) < run.expectedTargets()) {
            return;
        }
        if (store.claimCompletion(runId, clock.instant())) {
            finishQuietly(runId);
        }
    }

    /**
     * Finishes a claimed run. Failures (S3 or Kafka unavailable) are logged, not thrown: the event that
     * triggered completion was processed fine and must not be dead-lettered; the run stays COMPLETING and
     * the reconciler retries after {@code patchflow.report.completion-timeout}.
     */
    public void finishQuietly(String runId) {
        try {
            finish(runId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: completion failed, the reconciler will retry", runId);
        }
    }

    void finish(String runId) {
        RunView run = store.run(runId).orElseThrow(() -> new IllegalStateException("no run view for " + runId));
        List<TargetView> targets = store.targets(runId);
        ViewCounts counts = ViewCounts.of(targets);
        RunOutcome outcome = RunRules.outcome(run, counts);
        String location = archive.location(runId);
        Instant completedAt = run.completedAt() != null ? run.completedAt() : clock.instant();
        RunView completed = new RunView(run.runId(), RunState.COMPLETED, run.context(), run.requested(),
                run.scanCompleted(), run.expectedTargets(), run.rejected(), run.reason(), run.terminal(), outcome,
                counts, run.createdAt(), completedAt, location, run.rollout());
        RunReport report = RunRules.report(completed, targets);
        archive.store(runId, renderer.renderAll(report));
        RunCounts runCounts = RunRules.runCounts(run, targets);
        String eventId = publisher.publish(
                new RunCompleted(run.context(), outcome, runCounts, RunRules.reason(run), location, completedAt));
        store.markCompleted(runId, outcome, counts, location);
        LOG.infof("run %s completed: %s, %d targets (%d succeeded, %d failed), event %s", runId, outcome,
                runCounts.targets(), runCounts.succeeded(), runCounts.failed(), eventId);
    }
}
