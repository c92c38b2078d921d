package dev.patchflow.backup.domain;

/**
 * A store the backup needs (S3, a cloud API) cannot be reached or is overloaded right now. Transient: the
 * batch is retried until it comes back, and the target's backup is delayed, never failed for it.
 */
public class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
