package dev.patchflow.runner.domain;

import java.time.Instant;
import java.util.Optional;

import dev.patchflow.runner.domain.locks.Lease;

/**
 * The patch ledger: which patch versions are on which targets, and who is applying one right now. Every
 * change is one atomic single-document operation, so two runners (or two runs) can never both claim the
 * same target × patch.
 */
public interface PatchLedger {

    /**
     * Claims the entry for {@code runId} unless it is applied or held by another run's live lease.
     *
     * @param leaseUntil when the claim lapses if its holder never reports back
     */
    LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil);

    /** Records success of the holder's attempt; a later run gets {@code ALREADY_APPLIED}. */
    void markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt);

    /** Records failure of the holder's attempt; a later run may claim again. */
    void markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt);

    /**
     * Gives up the holder's claim without an outcome (nothing was applied and nothing failed, e.g. the install
     * is newer than the patch): the entry disappears, a later run claims afresh.
     */
    void release(LedgerKey key, String runId);

    Optional<LedgerEntry> find(LedgerKey key);

    /**
     * {@link #claim} under a lock: the entry remembers the lock token it was claimed with ({@code fence}), and a
     * claim with an older token of the same lock than the one remembered is refused (busy).
     */
    default LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil,
            Lease fence) {
        return claim(key, runId, owner, now, leaseUntil);
    }

    /** {@link #markApplied} by the holder of {@code fence}; {@code false} (nothing written) for a stale one. */
    default boolean markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt, Lease fence) {
        markApplied(key, runId, exitCode, appliedAt);
        return true;
    }

    /** {@link #markFailed} by the holder of {@code fence}; {@code false} (nothing written) for a stale one. */
    default boolean markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt, Lease fence) {
        markFailed(key, runId, exitCode, failedAt);
        return true;
    }
}
