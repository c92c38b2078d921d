package dev.patchflow.schemas.events;

/** {@code SKIPPED}: the run turned the backup phase off, or the target kind has nothing to archive. */
public enum BackupStatus {
    COMPLETED, SKIPPED
}
