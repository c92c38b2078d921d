package dev.patchflow.runner.domain;

import java.time.Instant;

/** A ledger entry as stored. */
public record LedgerEntry(String id, LedgerState state, String runId, String owner, Instant leaseUntil, int attempts,
        Instant appliedAt, Integer exitCode) {
}
