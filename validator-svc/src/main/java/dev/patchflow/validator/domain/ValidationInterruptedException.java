package dev.patchflow.validator.domain;

/**
 * The service is shutting down while a check runs. No outcome is known, so none may be reported: the
 * validator lets this through instead of turning it into a failed check, and the consumer leaves the
 * record unacknowledged so that it is delivered again after the restart.
 */
public class ValidationInterruptedException extends RuntimeException {

    public ValidationInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
