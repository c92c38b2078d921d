package dev.patchflow.backup.domain;

/**
 * A backup that cannot be made, for a reason an operator can act on. The message is the
 * {@code BackupFailed.reason}: it names the folder, the file or the S3 endpoint involved.
 */
public class BackupFailureException extends Exception {

    public BackupFailureException(String reason) {
        super(reason);
    }

    public BackupFailureException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
