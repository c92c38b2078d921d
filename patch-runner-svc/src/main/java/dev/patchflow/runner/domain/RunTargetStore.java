package dev.patchflow.runner.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Target;

/**
 * The per-run target records ({@code run_targets}, keyed by {@code runId/targetId}) and the two small keyed
 * sets that make the runner's periodic work independent of how many targets it ever saw: the dispatch queue
 * (READY targets) and the claims (targets a worker holds, or whose outcome Kafka has not acknowledged yet).
 * Every operation on a record is by its key; whatever has to be found without a key is found in those sets.
 * <p>
 * Invariants the implementation keeps without transactions: a record that is not DONE is in the dispatch queue
 * or claimed (the queue entry is written before a record becomes READY, and removed only by the one who claimed
 * it); a record that is RUNNING, or DONE and not yet emitted by the executing runner, is claimed.
 */
public interface RunTargetStore {

    /**
     * Inserts every record unless one exists for the same run and target (READY ones queued for dispatch first),
     * with the arrival nonce the caller gives each: the record remembers which attempt inserted it.
     *
     * @param arrivalNonces record id → nonce of this attempt
     * @return what is stored for each record, in order
     */
    List<Stored> insertAllIfAbsent(List<RunTarget> records, Map<String, String> arrivalNonces);

    /** Inserts the record unless one exists for the same run and target; returns the stored one. */
    default RunTarget insertIfAbsent(RunTarget record) {
        return insertAllIfAbsent(List.of(record), Map.of(record.id(), "-")).get(0).record();
    }

    /**
     * Claims a target for {@code owner} until {@code leaseUntil}: exclusive while the lease lasts (another claim
     * is refused, an expired one is taken over). A claimed READY target becomes RUNNING under {@code slot} (the
     * admission it was started by) and leaves the dispatch queue.
     */
    Claim claim(String id, String owner, Instant now, Instant leaseUntil, long slot);

    /** READY → RUNNING for {@code owner} until {@code leaseUntil}; empty if it is claimed by another or done. */
    default Optional<RunTarget> claim(String id, String owner, Instant leaseUntil) {
        return claim(id, owner, Instant.now(), leaseUntil, 0) instanceof Claimed claimed
                ? Optional.of(claimed.record())
                : Optional.empty();
    }

    /** Records the outcome (DONE, not yet emitted); the claim stays until the outcome is emitted. */
    void complete(String id, PatchflowEvent outcome, Instant now);

    /** The outcome was acknowledged by Kafka: the record says so and its claim is released. */
    void markEmitted(String id, Instant now);

    /**
     * An emission failed: the claim (made now if the target had none, e.g. an outcome decided at intake) stays
     * until the sweep re-sends the outcome.
     */
    void keepForResend(String id, String owner, Instant now);

    /** RUNNING → READY (queued again), not to be dispatched before {@code notBefore}; only by its claim's owner. */
    void retryLater(String id, String owner, Instant notBefore);

    /** Queued targets due at {@code now}, at most {@code limit} (bounded work per look: the dispatch queue). */
    List<ReadyTarget> findReady(Instant now, int limit);

    /**
     * Claims whose lease expired (their runner died or hung): their targets go back to READY and are returned for
     * dispatch, unless they are done.
     */
    List<ReadyTarget> releaseExpired(Instant now);

    /** DONE targets whose outcome was recorded before {@code before} but never acknowledged by Kafka. */
    List<RunTarget> findUnemitted(Instant before, int limit);

    /** Every record of a run (a scan: for the API and for runs recorded without rollout state). */
    List<RunTarget> findByRun(String runId);

    /** RUNNING targets (any owner, lease expired or not): what executors may have to repair at start. */
    List<RunTarget> findRunning(int limit);

    Optional<RunTarget> find(String id);

    /** What the rollout scheduler needs to know about records to count their facts exactly once, by key. */
    Map<String, Facts> facts(Collection<String> ids);

    /**
     * A claimed READY target ends without starting ({@code PatchNotStarted}): DONE, not yet emitted, remembering
     * {@code endNonce}; false if it is not READY.
     */
    boolean endClaimed(String id, PatchflowEvent outcome, Instant now, String endNonce);

    /** Releases a claim that led to nothing (the target was not READY, or nothing was done with it). */
    void releaseClaim(String id, String owner);

    /**
     * Appends a validation result to the record; the first one appended is the one that counts.
     *
     * @return the nonce of the first result on the record, or empty when the runner has no such record
     */
    Optional<String> recordValidation(String id, String nonce, boolean passed);

    /** Just what the dispatcher needs to queue a READY target. */
    record ReadyTarget(String id, String runId, String maxConcurrency, long leaseSeconds, String clusterId,
            String role, String landingZone, Instant notBefore) {

        public String targetId() {
            return id.substring(runId.length() + 1);
        }

        /** The same target, not to be dispatched before {@code at}. */
        public ReadyTarget notBefore(Instant at) {
            return new ReadyTarget(id, runId, maxConcurrency, leaseSeconds, clusterId, role, landingZone, at);
        }

        public static ReadyTarget of(RunTarget record, long leaseSeconds) {
            Target t = record.target();
            return new ReadyTarget(record.id(), record.runId(), record.maxConcurrency(), leaseSeconds,
                    blankToNull(t.clusterId()), t.role(), t.landingZone(), record.notBefore());
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }
    }

    /** What {@link #insertAllIfAbsent} found or wrote for one record. */
    record Stored(RunTarget record, boolean inserted, String arrivalNonce) {
    }

    /** The answer to a claim. */
    sealed interface Claim {
    }

    /** Claimed: the record as it is now (RUNNING, owner, lease), and its state before the claim. */
    record Claimed(RunTarget record, TargetState before) implements Claim {
    }

    /** Another owner's lease is live: it is being executed or ended elsewhere. */
    record Held(String owner, Instant leaseUntil) implements Claim {
    }

    /** Nothing to execute: the record is done (its outcome recorded), or there is none. */
    record Settled(Optional<RunTarget> record) implements Claim {
    }

    /**
     * The per-target facts of a record as the rollout scheduler counts them.
     *
     * @param slot the admission token the target was last claimed under (0: never claimed)
     * @param arrivalNonce the attempt that inserted the record ({@code null} for records from before nonces)
     * @param endNonce the attempt that ended it without start, if one did
     * @param firstValidation the nonce of the validation result that counts, if any arrived
     * @param notBefore a READY record is not dispatched before this
     */
    record Facts(String id, TargetState state, long slot, String arrivalNonce, String endNonce,
            String firstValidation, PatchflowEvent outcome, Target target, Instant notBefore) {
    }
}
