package dev.patchflow.report.domain;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.patchflow.report.config.ReportConfig;

/**
 * Read side: the run list, a run's summary, its targets page by page or streamed, as the API, the reports and
 * the dashboard show them. Nothing here holds all the targets of a run at once (except {@link #get}, for small
 * runs and tests).
 */
@ApplicationScoped
public class RunQueries {

    private final ViewStore store;
    private final ReportConfig config;
    private final RunningCounts runningCounts;

    @Inject
    public RunQueries(ViewStore store, ReportConfig config) {
        this(store, config, new RunningCounts());
    }

    RunQueries(ViewStore store, ReportConfig config, RunningCounts runningCounts) {
        this.store = store;
        this.config = config;
        this.runningCounts = runningCounts;
    }

    /**
     * Newest first. A completed run shows the counts frozen at completion; a run in progress is counted from
     * its target views (one streamed pass per run in progress, reused for a while on a large run:
     * {@link RunningCounts}), never per completed run.
     */
    public List<RunReport> list() {
        return store.runs(config.listLimit()).stream().map(run -> RunRules.summary(run, counts(run), null)).toList();
    }

    /** The run without its targets ({@code targets} is {@code null}): what every report starts with. */
    public Optional<RunReport> summary(String runId) {
        return store.run(runId).map(run -> RunRules.summary(run, counts(run), null));
    }

    /** The run view and when it last changed, in one read (a live stream's poll, {@link RunFeed}). */
    public Optional<ViewStore.RunStamp> stamp(String runId) {
        return store.runStamp(runId);
    }

    /**
     * The summary of a run view already read: its counts are frozen at completion, and counted while it runs with
     * the count shared by every reader of this replica ({@link RunningCounts}).
     */
    public RunReport summary(RunView run) {
        return RunRules.summary(run, counts(run), null);
    }

    /** One page of the run's targets that pass the filter, in target id order. */
    public TargetPage<TargetReport> targets(String runId, TargetFilter filter, TargetPageRequest page) {
        String waitReason = waitReason(runId);
        return store.targetPage(runId, filter, page).map(t -> TargetReport.of(t, waitReason));
    }

    /**
     * The run's targets that pass the filter, in target id order, read as consumed; close the stream. A pending
     * target of a halted run says why it waits ({@link RunReport#waitReason()}).
     */
    public Stream<TargetReport> streamTargets(String runId, TargetFilter filter) {
        String waitReason = waitReason(runId);
        return store.streamTargets(runId, filter).map(t -> TargetReport.of(t, waitReason));
    }

    private String waitReason(String runId) {
        return store.run(runId).map(run -> RunRules.summary(run, ViewCounts.of(List.of()), null).waitReason())
                .orElse(null);
    }

    /**
     * The run's drifted targets, read as consumed ({@link DriftAudit}); empty when the run has no patch. Close the
     * stream.
     */
    public Optional<Stream<RunReport.Drift>> streamDrift(RunReport run) {
        return DriftAudit.stream(store, run);
    }

    /**
     * A target's story, oldest first ({@link TargetHistory#ORDER}); empty when the report has not seen the run or
     * the target.
     */
    public Optional<List<HistoryEntry>> history(String runId, String targetId) {
        if (store.run(runId).isEmpty() || !store.hasTarget(runId, targetId)) {
            return Optional.empty();
        }
        return Optional.of(store.history(runId, targetId).stream().sorted(TargetHistory.ORDER).toList());
    }

    /** The run with every target, in memory: for tests and small runs; the API and the reports stream. */
    public Optional<RunReport> get(String runId) {
        return store.run(runId).map(run -> RunRules.report(run, store.targets(runId)));
    }

    private ViewCounts counts(RunView run) {
        if (run.counts() != null) {
            runningCounts.forget(run.runId());
            return run.counts();
        }
        return runningCounts.get(run.runId(), () -> store.tally(run.runId()).counts());
    }
}
