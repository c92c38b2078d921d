package dev.patchflow.runner.domain;

import java.time.Instant;

/** The answer to "may this run apply this patch to this target now?". */
public sealed interface LedgerClaim {

    /** The entry is ours (new, failed before, abandoned by an expired lease, or already ours): run it. */
    record Claimed(int attempt) implements LedgerClaim {
    }

    /** A run (maybe this one, before a crash) applied it: nothing to run. */
    record AlreadyApplied(String runId, Instant appliedAt, Integer exitCode) implements LedgerClaim {
    }

    /** Another run is applying it under a live lease: try again later, never concurrently. */
    record Busy(String runId, String owner, Instant leaseUntil) implements LedgerClaim {
    }
}
