package dev.patchflow.report.domain;

import java.util.Objects;
import java.util.Optional;

/**
 * What one live stream of a run pushes: the run's summary ({@link RunReport} without targets), each time it
 * changed, until the run is {@code COMPLETED} or {@code HALTED}. Polled on a timer and when this replica applied
 * events of the run ({@link RunChanges}); it takes its truth from the view store, never from the events this
 * replica happened to consume, so it is right with any number of replicas.
 * <p>
 * A poll reads one document (the run view and the time of its last change, {@link ViewStore#runStamp}). Only when
 * that changed, on the poll after (the projector touches the run before it writes its targets' facts), and every
 * {@code refreshPolls}-th poll (a large run's shared count may be older than its last change) does it build the
 * summary, whose counts come from {@link RunningCounts}: frozen in the run view once completed, else one count of
 * the run's targets shared by every reader of this replica and reused for ten times as long as it took. Not
 * thread-safe: one caller at a time (the stream serializes its polls).
 */
public final class RunFeed {

    private final RunQueries queries;
    private final String runId;
    private final int refreshPolls;
    private ViewStore.RunStamp lastStamp;
    private int unchangedPolls;
    private RunReport lastPushed;

    /**
     * @param refreshPolls the summary is rebuilt at least every this many polls while nothing seems to change
     */
    public RunFeed(RunQueries queries, String runId, int refreshPolls) {
        this.queries = queries;
        this.runId = runId;
        this.refreshPolls = Math.max(1, refreshPolls);
    }

    /** The summary to push now, if it differs from the last one pushed; empty while the run is unknown. */
    public Optional<RunReport> poll() {
        if (ended()) {
            return Optional.empty();
        }
        Optional<ViewStore.RunStamp> stamp = queries.stamp(runId);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        if (Objects.equals(stamp.get(), lastStamp)) {
            unchangedPolls++;
        } else {
            lastStamp = stamp.get();
            unchangedPolls = 0;
        }
        boolean settling = unchangedPolls <= 1;
        if (lastPushed != null && !settling && unchangedPolls % refreshPolls != 0) {
            return Optional.empty();
        }
        RunReport summary = queries.summary(stamp.get().run());
        if (summary.equals(lastPushed)) {
            return Optional.empty();
        }
        lastPushed = summary;
        return Optional.of(summary);
    }

    /** The last summary pushed was the run's final state for a stream: {@code COMPLETED} or {@code HALTED}. */
    public boolean ended() {
        return lastPushed != null && isFinal(lastPushed);
    }

    /** Whether a stream ends with this summary: the run is complete, or halted until an operator acts. */
    public static boolean isFinal(RunReport summary) {
        return summary.state() == RunState.COMPLETED || summary.state() == RunState.HALTED;
    }
}
