package dev.patchflow.schemas.events;

/**
 * How a patch ended well: {@code APPLIED} now, {@code ALREADY_APPLIED} by an earlier run (the ledger
 * says so; nothing ran), or {@code DRY_RUN} (the executor reported what it would do).
 */
public enum PatchStatus {
    APPLIED, ALREADY_APPLIED, DRY_RUN, SKIPPED
}
