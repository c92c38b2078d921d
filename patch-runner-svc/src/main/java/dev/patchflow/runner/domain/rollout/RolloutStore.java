package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;

/**
 * The runner's scheduling state per run ({@code rollouts}, one small document per run) and per run and cluster
 * ({@code rollout_clusters}). Every method is one atomic single-document operation (the MongoDB wire server has
 * no transactions); the ones that count are made exactly-once by the entry they remove in the same update (see
 * {@link RolloutState}). Run-level events are written to the document's outbox in the same update that makes
 * them true, and published from there.
 */
public interface RolloutStore {

    /**
     * Registers the run (the first time) and adds facts in transit, in one update.
     *
     * @return the state after
     */
    RolloutState beginTransit(RunContext run, List<RolloutState.Transit> entries);

    /** Adds facts in transit to a run the runner knows; empty when it does not know the run. */
    Optional<RolloutState> addTransit(String runId, List<RolloutState.Transit> entries);

    /**
     * Applies one batch of facts in transit: if its entries are still there, removes them all and adds the
     * increments of {@code winners} (entries of that batch), in one update; nothing when the batch was applied
     * before.
     *
     * @return the state after, if the run is known
     */
    Optional<RolloutState> applyTransit(String runId, String batch, List<RolloutState.Transit> winners);

    /** Cluster facts of targets, each an idempotent set addition on its run and cluster's document. */
    void clusterFacts(String runId, List<ClusterFact> facts);

    /** The run's cluster as recorded (empty sets when nothing is). */
    ClusterState cluster(String runId, String clusterId);

    /** The run's context, state and history of run-level events (for the API and for planning). */
    Optional<Loaded> load(String runId);

    /** Just the state (smaller and cheaper than {@link #load}). */
    Optional<RolloutState> state(String runId);

    /**
     * Starts targets: if the state is still at {@code expectedVersion} with {@code expectedFailed} failures and
     * the run is neither halted nor cancelled, adds one in-flight entry per admission (token = the new version),
     * counts them started and adds canary members, in one update.
     *
     * @return the state after, or empty when someone changed it first
     */
    Optional<RolloutState> admit(String runId, long expectedVersion, int expectedFailed,
            List<Admission> admissions);

    /**
     * A started target's outcome is recorded: if {@code entry} is still in flight, removes it and adds
     * {@code increments} (and the domain's failure, and the canary failure) in one update.
     *
     * @return the state after, or empty when the entry was no longer in flight (counted before)
     */
    Optional<RolloutState> finish(String runId, RolloutState.InFlight entry, Map<String, Integer> increments,
            String domain, boolean canaryFailed);

    /**
     * Undoes an admission without counting an outcome (the target went back to the queue, or the admission was
     * stale): removes the entry if it is still there, one start less, version bumped (admissions decided on the
     * old state look again), and the target leaves the canary if the admission made it a member.
     */
    Optional<RolloutState> unstart(String runId, RolloutState.InFlight entry, boolean leaveCanary);

    /** Applies an operator action or a halt/gate transition if the state is still at {@code expectedVersion}. */
    boolean apply(String runId, long expectedVersion, Change change);

    /**
     * Creates the state of a run whose targets were recorded without one (by a runner from before rollout state,
     * or directly), counted from its records; false if it exists.
     */
    boolean adopt(RunContext run, int arrived, int finished, int failed, int budgetFailures);

    /** Runs with targets in flight or facts in transit: what the repair sweep looks at. */
    List<String> runsInProgress(int limit);

    /** Run-level events recorded and not yet acknowledged by Kafka. */
    List<PendingEvent> pendingEvents(int limit);

    /** The event was published: out of the outbox, into the run's history. */
    void published(String runId, String eventId);

    /** What the scheduler knows about a run. */
    record Loaded(RunContext run, RolloutState state, List<PatchflowEvent> history) {
    }

    /** A target to start, with what its in-flight entry and the canary need. */
    record Admission(String targetId, String clusterId, boolean canaryMember) {
    }

    /**
     * A cluster node that reached the runner ({@code role} recorded), or whose outcome is recorded
     * ({@code finished}).
     */
    record ClusterFact(String clusterId, String targetId, String role, boolean finished) {
    }

    /**
     * A change of the run's flags; {@code null} fields stay as they are.
     *
     * @param events run-level events made true by this change, with their attempt (part of the event id)
     */
    record Change(Boolean halted, RolloutState.HaltKind haltKind, String haltReason, Boolean cancelled,
            String cancelReason, String gateState, Instant gateUntil, Integer failureBaseline, boolean countHalt,
            boolean countControl, List<PendingEvent> events) {
    }

    /** A run-level event in the outbox. */
    record PendingEvent(String runId, String id, PatchflowEvent event, int attempt) {
    }
}
