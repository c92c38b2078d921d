package dev.patchflow.runner.domain;

import java.time.Instant;
import java.util.Optional;

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
}
