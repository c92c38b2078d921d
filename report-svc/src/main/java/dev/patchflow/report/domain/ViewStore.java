package dev.patchflow.report.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOutcome;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ZoneError;

/**
 * Where run and target views live. Every write is a single-document atomic operation: facts are set
 * (so re-applying one changes nothing), counters move only together with a guarded flip.
 */
public interface ViewStore {

    /** Which fact of a target an event carries. */
    enum Stage {
        SCAN, BACKUP, PATCH, VALIDATION,
        /** {@code PowerStateRestored}: the instance is back in the power state it was scanned in (or not). */
        POWER
    }

    /** Creates the run view if it does not exist yet and marks it as recently changed. */
    void touchRun(RunContext context, Instant now);

    void markRequested(RunContext context, Instant now);

    default void markScanCompleted(RunContext context, int targetCount, Instant now) {
        markScanCompleted(context, targetCount, List.of(), now);
    }

    default void markScanCompleted(RunContext context, int targetCount, List<ZoneError> zoneErrors, Instant now) {
        markScanCompleted(context, targetCount, zoneErrors, null, now);
    }

    /**
     * The scan is done: {@code targetCount} targets, and the landing zones (or regions) it could not scan.
     * {@code at} is the event's CloudEvent {@code time}: the earliest copy's is kept ({@link RunView#scanEndedAt}).
     */
    void markScanCompleted(RunContext context, int targetCount, List<ZoneError> zoneErrors, Instant at, Instant now);

    default void markRejected(RunContext context, String reason, Instant now) {
        markRejected(context, reason, null, now);
    }

    /** The scanner rejected the request; {@code at} as for {@link #markScanCompleted}. */
    void markRejected(RunContext context, String reason, Instant at, Instant now);

    /** Our own RunCompleted came back on the runs topic: the emission is confirmed. */
    void markCompletionSeen(String runId, String eventId);

    /**
     * Records a run-level event of the runner once (by event id) in the run's rollout history, and the flags it
     * changes ({@code null}: unchanged). Returns whether the event was new to the run (not a redelivery).
     */
    boolean recordRollout(String runId, RolloutView.Entry entry, Boolean halted, String haltCause, String haltReason,
            Boolean cancelled, String gate, String gateState);

    /** Records a database cluster's phase once (by event id) in the run's rollout view; whether it was new. */
    boolean recordClusterPhase(String runId, RolloutView.ClusterPhase phase);

    /**
     * Stores each entry of a target's story once per CloudEvent id (a redelivery adds nothing), in as few writes as
     * possible ({@link TargetHistory}). Returns the runs that got an entry they did not have (an event new to them).
     */
    java.util.Set<String> recordHistory(List<TargetHistory.Fact> facts);

    /**
     * The stored story of one target: its own entries and its run's (request, operator actions, halts, gate
     * changes), in no particular order ({@link TargetHistory#ORDER} sorts them).
     */
    List<HistoryEntry> history(String runId, String targetId);

    /** Whether the report has seen any event of the target. */
    boolean hasTarget(String runId, String targetId);

    /**
     * One fact about a target: its identity (with its EC2 facts, if any) and the stage's fact ({@code null} for
     * SCAN).
     *
     * @param terminalAt the CloudEvent {@code time} of an event that ends the target ({@code null} for any other):
     *        the store keeps the earliest, so a redelivery or a re-emission changes nothing
     */
    record TargetFact(String runId, Target target, Stage stage, Object fact, Instant terminalAt) {

        public TargetFact(String runId, Target target, Stage stage, Object fact) {
            this(runId, target, stage, fact, null);
        }
    }

    /** Upserts each target view with its identity and its stage's fact, in order, in as few writes as possible. */
    void recordTargets(List<TargetFact> facts, Instant now);

    /**
     * Flips the terminal flag of each of the run's targets that is not terminal yet; returns how many were flipped
     * (a target named twice, or already terminal, counts once or not at all).
     */
    int markTerminal(String runId, Collection<String> targetIds);

    /** Adds {@code flipped} to the run's terminal counter. */
    void incrementTerminal(String runId, int flipped, Instant now);

    /** The number of terminal targets, counted from the target views (the truth behind the counter). */
    int countTerminal(String runId);

    Optional<RunView> run(String runId);

    /**
     * The run view and when the projector last changed it or its targets ({@code changedAt}, {@code null} when the
     * store does not keep it), in one read of one document: what a live stream polls ({@link RunFeed}).
     */
    record RunStamp(RunView run, Instant changedAt) {
    }

    /** {@link #run} with the time of its last change; one read whatever the size of the run. */
    default Optional<RunStamp> runStamp(String runId) {
        return run(runId).map(run -> new RunStamp(run, null));
    }

    /** Newest first. */
    List<RunView> runs(int limit);

    /**
     * Every target of the run, sorted by target id, in memory: for tests and small runs. Anything that may
     * meet a large run reads {@link #streamTargets}, {@link #targetPage} or {@link #tally}.
     */
    default List<TargetView> targets(String runId) {
        try (Stream<TargetView> targets = streamTargets(runId, TargetFilter.ALL)) {
            return targets.toList();
        }
    }

    /**
     * The run's targets that pass the filter, sorted by target id, read from the store in batches while the
     * stream is consumed (memory does not grow with the run). Close the stream to release the cursor.
     */
    Stream<TargetView> streamTargets(String runId, TargetFilter filter);

    /**
     * The run's targets that may have drifted ({@link RunRules#drift(boolean, String, TargetReport)}), sorted by
     * target id and read as consumed: every target of a dry run, else only those whose patch details say
     * {@code drift} (a store may select them where they are). Close the stream to release the cursor.
     */
    default Stream<TargetView> streamDriftCandidates(String runId, boolean dryRun) {
        Stream<TargetView> targets = streamTargets(runId, TargetFilter.ALL);
        return dryRun ? targets : targets.filter(t -> t.patch() != null && t.patch().details().containsKey("drift"));
    }

    /** One page of the run's targets that pass the filter, sorted by target id. */
    TargetPage<TargetView> targetPage(String runId, TargetFilter filter, TargetPageRequest page);

    /**
     * Counts the run's targets in one streamed pass (a store may read only the facts the counts need), with the
     * latest of their terminal event times ({@link TargetTally#latestTerminalAt}; this default, from views alone,
     * has none).
     */
    default TargetTally tally(String runId) {
        TargetTally tally = new TargetTally();
        try (Stream<TargetView> targets = streamTargets(runId, TargetFilter.ALL)) {
            targets.forEach(tally::add);
        }
        return tally;
    }

    /**
     * Which revision of the run's story its archived reports show: {@code storyRevision} moves ({@link #reviseStory})
     * each time an event new to a completing or completed run has been applied to its views; {@code archivedRevision}
     * is the revision read before the archived files were rendered ({@link #markArchived}), {@code null} while no
     * complete set of files is known to be in the archive.
     */
    record ArchiveMark(long storyRevision, Long archivedRevision) {

        /** The archived files are what rendering the views would give now. */
        public boolean current() {
            return archivedRevision != null && archivedRevision == storyRevision;
        }
    }

    /** The run's {@link ArchiveMark}, in one read of one document; empty for an unknown run. */
    Optional<ArchiveMark> archiveMark(String runId);

    /**
     * Called after an event new to a completing or completed run was written into its views: its archived reports,
     * if any, no longer show everything until they are written again.
     */
    void reviseStory(String runId);

    /** The four archived files were rendered from the views at {@code storyRevision} and are all stored. */
    void markArchived(String runId, long storyRevision);

    /** RUNNING → COMPLETING; {@code true} only for the caller that flipped it. */
    boolean claimCompletion(String runId, Instant now);

    /** Takes over a COMPLETING run whose claim is older than {@code staleBefore}. */
    boolean reclaimCompletion(String runId, Instant staleBefore, Instant now);

    /**
     * The completer is still at work: moves the claim's time of a COMPLETING run to {@code now}, so that the
     * reconciler does not take a long completion (a large run's reports) for an interrupted one.
     */
    void renewCompletion(String runId, Instant now);

    /** COMPLETING → COMPLETED, with what the completion found; {@code completedAt} is {@link RunRules#completedAt}. */
    void markCompleted(String runId, RunOutcome outcome, ViewCounts counts, String reportLocation,
            Instant completedAt);

    /** RUNNING runs unchanged since {@code idleBefore} and changed since they were last recounted. */
    List<String> idleRunningRuns(Instant idleBefore);

    /** Recounts the terminal targets of a run, stores the count and the time of the recount. */
    int recountTerminal(String runId, Instant now);

    /** COMPLETING runs claimed before {@code staleBefore}. */
    List<String> staleCompletingRuns(Instant staleBefore);
}
