package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The runner's scheduling state per run ({@code rollouts}, one document per run). Every method is one atomic
 * single-document operation: the MongoDB wire server has no transactions. Run-level events are written to
 * the document's outbox in the same update that makes them true, and published from there.
 */
public interface RolloutStore {

    /** A target reached the runner: registers the run (first time), its cluster node and, if given, its outcome. */
    void arrived(RunContext run, Target target, boolean finished, boolean failed);

    Optional<Loaded> load(String runId);

    /**
     * Marks {@code targetId} started and in flight if the state is still at {@code expectedVersion} and the run
     * is neither halted nor cancelled; false if someone else changed it first.
     */
    boolean tryStart(String runId, long expectedVersion, String targetId, boolean canaryMember);

    /** The target's patch outcome is recorded: no longer in flight; a failure counts against the budget. */
    void finished(String runId, String targetId, boolean failed);

    /** The target went back to READY without an outcome (its ledger entry was busy): it frees its slot. */
    void unstarted(String runId, String targetId);

    /** A validation result: verified, or a failure. */
    void validated(String runId, String targetId, boolean passed);

    /** Applies an operator action or a halt/gate transition if the state is still at {@code expectedVersion}. */
    boolean apply(String runId, long expectedVersion, Change change);

    /** Run-level events recorded and not yet acknowledged by Kafka. */
    List<PendingEvent> pendingEvents(int limit);

    /** The event was published: out of the outbox, into the run's history. */
    void published(String runId, String eventId);

    /** What the scheduler knows about a run. */
    record Loaded(RunContext run, RolloutState state, List<PatchflowEvent> history) {
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
