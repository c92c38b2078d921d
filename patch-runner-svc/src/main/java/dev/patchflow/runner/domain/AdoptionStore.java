package dev.patchflow.runner.domain;

import java.time.Instant;

/**
 * Where a claimed target's child process is recorded ({@code run_targets.child}; a claim reads it back with the
 * target, {@link RunTarget#child()}), and the claims that crash safety and lock waits need beyond
 * {@link RunTargetStore}.
 */
public interface AdoptionStore {

    /** Records the child of a RUNNING target (replacing an earlier attempt's record). */
    void recordChild(String runTargetId, ChildProcess child, Instant now);

    /**
     * A restarted runner takes its own RUNNING targets back at once: with a stable instance id, the previous
     * process of this id is dead. They go back to READY and are adopted when dispatched.
     */
    long releaseClaimsOf(String owner, Instant now);

    /**
     * Keeps {@code owner}'s claim on a RUNNING target alive until {@code leaseUntil} (while it waits for a lock,
     * so that its lease does not expire and the target is not dispatched a second time); {@code false} if the
     * claim is no longer {@code owner}'s.
     */
    boolean extendClaim(String runTargetId, String owner, Instant leaseUntil);

    /** For executions outside the service (tests): nothing recorded, nothing adopted. */
    AdoptionStore NONE = new AdoptionStore() {

        @Override
        public void recordChild(String runTargetId, ChildProcess child, Instant now) {
        }

        @Override
        public long releaseClaimsOf(String owner, Instant now) {
            return 0;
        }

        @Override
        public boolean extendClaim(String runTargetId, String owner, Instant leaseUntil) {
            return true;
        }
    };
}
