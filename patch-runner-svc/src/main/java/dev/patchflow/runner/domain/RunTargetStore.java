package dev.patchflow.runner.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.patchflow.schemas.events.PatchflowEvent;

/** The per-run target records ({@code run_targets}), keyed by {@code runId/targetId}. */
public interface RunTargetStore {

    /** Inserts the record unless one exists for the same run and target; returns the stored one. */
    RunTarget insertIfAbsent(RunTarget record);

    /** READY → RUNNING for {@code owner} until {@code leaseUntil}; empty if it is no longer READY. */
    Optional<RunTarget> claim(String id, String owner, Instant leaseUntil);

    /** Records the outcome (DONE, not yet emitted). */
    void complete(String id, PatchflowEvent outcome, Instant now);

    void markEmitted(String id, Instant now);

    /** RUNNING → READY, not to be dispatched before {@code notBefore}. */
    void retryLater(String id, String owner, Instant notBefore);

    /** READY targets due at {@code now}, oldest first as far as the store keeps order. */
    List<ReadyTarget> findReady(Instant now, int limit);

    /** RUNNING targets whose lease expired go back to READY (their runner died or hung). */
    long releaseExpired(Instant now);

    /** DONE targets whose outcome was recorded before {@code before} but never acknowledged by Kafka. */
    List<RunTarget> findUnemitted(Instant before, int limit);

    List<RunTarget> findByRun(String runId);

    /** RUNNING targets (any owner, lease expired or not): what executors may have to repair at start. */
    List<RunTarget> findRunning(int limit);

    Optional<RunTarget> find(String id);

    /**
     * READY → DONE with an outcome for a target that never started ({@code PatchNotStarted}); false if it is
     * no longer READY (claimed or done meanwhile).
     */
    boolean endUnstarted(String id, PatchflowEvent outcome, Instant now);

    /** Just what the dispatcher needs to queue a READY target. */
    record ReadyTarget(String id, String runId, String maxConcurrency, long leaseSeconds) {
    }
}
