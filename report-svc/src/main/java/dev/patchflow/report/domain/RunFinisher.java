package dev.patchflow.report.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

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
 * <p>
 * The claim is taken on the caller's thread (the event that completed the run); the finishing, which for a
 * 100,000-target run means several passes over its views and four large uploads, runs on {@code completions},
 * so the consumer acknowledges the event at once instead of holding its partition for a minute. While a
 * completion is queued or running its claim is renewed, so the reconciler never takes it for an interrupted one.
 */
@ApplicationScoped
public class RunFinisher {

    private static final Logger LOG = Logger.getLogger(RunFinisher.class);

    /** The executor that finishes claimed runs (config: one thread, so completions do not compete). */
    public static final String COMPLETIONS = "report-completions";

    /**
     * How often a claim is renewed while its completion is queued or running; well below
     * {@code patchflow.report.completion-timeout} (30 s), after which the reconciler takes the run for an
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
    private final Executor completions;

    /** Finishes a claimed run on the caller's thread (tests and tools that want it done when the call returns). */
    public RunFinisher(ViewStore store, ReportRenderer renderer, ReportArchive archive, CompletionPublisher publisher,
            Clock clock) {
        this(store, renderer, archive, publisher, clock, Runnable::run);
    }

    @Inject
    public RunFinisher(ViewStore store, ReportRenderer renderer, ReportArchive archive, CompletionPublisher publisher,
            Clock clock, @Named(COMPLETIONS) Executor completions) {
        this.store = store;
        this.renderer = renderer;
        this.archive = archive;
        this.publisher = publisher;
        this.clock = clock;
        this.completions = completions;
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
            ScheduledFuture<?> renewal = renewWhileFinishing(runId);
            try {
                completions.execute(() -> {
                    try {
                        finishLogged(runId);
                    } finally {
                        renewal.cancel(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                // shutting down: the run stays COMPLETING and the reconciler finishes it after a restart
                renewal.cancel(false);
                LOG.warnf("run %s: not finished now (%s), the reconciler will", runId, e.getMessage());
            }
        }
    }

    /**
     * Finishes a claimed run. Failures (S3 or Kafka unavailable) are logged, not thrown: the event that
     * triggered completion was processed fine and must not be dead-lettered; the run stays COMPLETING and
     * the reconciler retries after {@code patchflow.report.completion-timeout}.
     */
    public void finishQuietly(String runId) {
        ScheduledFuture<?> renewal = renewWhileFinishing(runId);
        try {
            finishLogged(runId);
        } finally {
            renewal.cancel(false);
        }
    }

    private void finishLogged(String runId) {
        try {
            finish(runId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: completion failed, the reconciler will retry", runId);
        }
    }

    /**
     * Counts the targets in one streamed pass, then writes each report file from its own pass over the views
     * straight into the archive: a 100,000-target run completes in the memory of one batch of views.
     */
    void finish(String runId) {
        // Read before the views are: an event new to the run after this moves the revision past it.
        long revision = storyRevision(runId);
        RunView run = store.run(runId).orElseThrow(() -> new IllegalStateException("no run view for " + runId));
        TargetTally tally = store.tally(runId);
        ViewCounts counts = tally.counts();
        RunOutcome outcome = RunRules.outcome(run, counts);
        String location = archive.location(runId);
        Instant completedAt = completedAt(run, tally);
        RunView completed = new RunView(run.runId(), RunState.COMPLETED, run.context(), run.requested(),
                run.scanCompleted(), run.expectedTargets(), run.rejected(), run.reason(), run.terminal(), outcome,
                counts, run.createdAt(), completedAt, location, run.rollout(), run.zoneErrors(), run.scanEndedAt());
        RunReport report = RunRules.summary(completed, counts, null);
        archive.store(runId, renderer.files(report,
                () -> store.streamTargets(runId, TargetFilter.ALL).map(TargetReport::of),
                () -> DriftAudit.stream(store, report)));
        markArchived(runId, revision);
        RunCounts runCounts = RunRules.runCounts(run, tally);
        String eventId = publisher.publish(
                new RunCompleted(run.context(), outcome, runCounts, RunRules.reason(run), location, completedAt));
        store.markCompleted(runId, outcome, counts, location, completedAt);
        LOG.infof("run %s completed: %s, %d targets (%d succeeded, %d failed), event %s", runId, outcome,
                runCounts.targets(), runCounts.succeeded(), runCounts.failed(), eventId);
    }

    /**
     * From the log ({@link RunRules#completedAt}), so a re-emission, a second replica and a replay all say the same
     * time. Only a run whose views predate event times (stored before they were kept) falls back to the time the
     * run was claimed, else to this service's clock, and says so.
     */
    private Instant completedAt(RunView run, TargetTally tally) {
        Instant fromLog = RunRules.completedAt(run, tally.latestTerminalAt());
        if (fromLog != null) {
            return fromLog;
        }
        Instant fallback = run.completedAt() != null ? run.completedAt() : clock.instant();
        LOG.warnf("run %s: no event time to complete it at; completedAt is this service's %s", run.runId(), fallback);
        return fallback;
    }

    /**
     * Counts a COMPLETED run again and writes its archived reports again from its views, after an event new to it
     * arrived after its completion: a run-level event (a halt, an operator's action, a gate change, a cluster
     * phase) or a target's earlier-stage fact (a BackupCompleted overtaken by the target's terminal event). The
     * outcome, completedAt and RunCompleted stay as they were: they come from the terminal events, all seen at the
     * completion. Queued behind a completion still in progress (one completion thread), so a fact that comes while
     * the run is COMPLETING is taken in too. Failures are logged: the API shows the views either way.
     */
    public void refreshArchiveIfCompleted(String runId) {
        RunView run = store.run(runId).orElse(null);
        if (run == null || (run.state() != RunState.COMPLETED && run.state() != RunState.COMPLETING)) {
            return;
        }
        // Now, on the caller's thread, after the event's writes: from here on the archived files are not served.
        store.reviseStory(runId);
        try {
            completions.execute(() -> {
                try {
                    long revision = storyRevision(runId);
                    RunView now = store.run(runId).orElseThrow();
                    if (now.state() != RunState.COMPLETED) {
                        return; // the completion failed: the reconciler's finish will take everything in
                    }
                    ViewCounts counts = store.tally(runId).counts();
                    if (!counts.equals(now.counts())) {
                        store.markCompleted(runId, now.outcome(), counts, now.reportLocation(), now.completedAt());
                        now = store.run(runId).orElseThrow();
                    }
                    RunReport report = RunRules.summary(now, now.counts(), null);
                    archive.store(runId, renderer.files(report,
                            () -> store.streamTargets(runId, TargetFilter.ALL).map(TargetReport::of),
                            () -> DriftAudit.stream(store, report)));
                    markArchived(runId, revision);
                    LOG.infof("run %s: reports written again for an event after its completion", runId);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "run %s: could not write the reports again", runId);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.warnf("run %s: reports not written again (%s)", runId, e.getMessage());
        }
    }

    private long storyRevision(String runId) {
        return store.archiveMark(runId).map(ViewStore.ArchiveMark::storyRevision).orElse(0L);
    }

    /**
     * Records that the four files now in the archive show the run's story at {@code revision}, so they may be
     * served instead of rendered ({@link ReportDelivery}); not when the archive wrote nothing.
     */
    private void markArchived(String runId, long revision) {
        if (archive.writes()) {
            store.markArchived(runId, revision);
        }
    }

    private ScheduledFuture<?> renewWhileFinishing(String runId) {
        return RENEWALS.scheduleWithFixedDelay(() -> renew(runId), CLAIM_RENEWAL.toMillis(), CLAIM_RENEWAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void renew(String runId) {
        try {
            store.renewCompletion(runId, clock.instant());
        } catch (RuntimeException e) {
            LOG.warnf("run %s: could not renew the completion claim: %s", runId, e.getMessage());
        }
    }
}
