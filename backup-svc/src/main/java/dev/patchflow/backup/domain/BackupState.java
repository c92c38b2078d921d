package dev.patchflow.backup.domain;

/** Where the backup of one target in one run stands. */
public enum BackupState {
    /** Claimed; an archive may be on its way. Found on a redelivery, it means the previous attempt crashed. */
    IN_PROGRESS,
    /** The archive is in the store; location, checksum and size are recorded. */
    COMPLETED,
    /** Nothing was archived on purpose (phase off, dry run, static target); the note says why. */
    SKIPPED,
    /** No archive could be made; the reason is recorded. */
    FAILED,
    /** Was COMPLETED; the retention sweeper deleted the object. */
    EXPIRED
}
