package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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

    /**
     * How often a completer renews its claim while it works (a 100,000-target run's reports take a while); well
     * below {@code patchflow.report.completion-timeout} (30 s), after which the reconciler takes the run for an
     * interrupted completion and finishes it again. A completer that died renews nothing.
     */
    static final Duration CLAIM_RENEWAL = Duration.ofSeconds(5);

    private static final ScheduledExecutorService RENEWALS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "report-completion-claims");
        thread.setDaemon(true);
        return thread;
    });

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

    /**
     * Counts the targets in one streamed pass, then writes each report file from its own pass over the views
     * straight into the archive: a 100,000-target run completes in the memory of one batch of views. The claim
     * is renewed meanwhile.
     */
    void finish(String runId) {
        RunView run = store.run(runId).orElseThrow(() -> new IllegalStateException("no run view for " + runId));
        ScheduledFuture<?> renewal = RENEWALS.scheduleWithFixedDelay(() -> renew(runId), CLAIM_RENEWAL.toMillis(),
                CLAIM_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            finish(run);
        } finally {
            renewal.cancel(false);
        }
    }

    private void finish(RunView run) {
        String runId = run.runId();
        TargetTally tally = store.tally(runId);
        ViewCounts counts = tally.counts();
        RunOutcome outcome = RunRules.outcome(run, counts);
        String location = archive.location(runId);
        Instant completedAt = run.completedAt() != null ? run.completedAt() : clock.instant();
        RunView completed = new RunView(run.runId(), RunState.COMPLETED, run.context(), run.requested(),
                run.scanCompleted(), run.expectedTargets(), run.rejected(), run.reason(), run.terminal(), outcome,
                counts, run.createdAt(), completedAt, location);
        RunReport report = RunRules.summary(completed, counts, null);
        archive.store(runId, renderer.files(report,
                () -> store.streamTargets(runId, TargetFilter.ALL).map(TargetReport::of)));
        RunCounts runCounts = RunRules.runCounts(run, tally);
        String eventId = publisher.publish(
                new RunCompleted(run.context(), outcome, runCounts, run.reason(), location, completedAt));
        store.markCompleted(runId, outcome, counts, location);
        LOG.infof("run %s completed: %s, %d targets (%d succeeded, %d failed), event %s", runId, outcome,
                runCounts.targets(), runCounts.succeeded(), runCounts.failed(), eventId);
    }

    private void renew(String runId) {
        try {
            store.renewCompletion(runId, clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("run %s: could not renew the completion claim: %s", runId, e.getMessage());
        }
    }
}
