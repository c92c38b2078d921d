package dev.patchflow.scanner.domain;

/**
 * The request cannot be run as asked (bad option, unknown provider, unreadable inventory). The
 * message is the {@code RunRejected} reason, written for the person who sent the request.
 */
public class RejectedRunException extends RuntimeException {

    public RejectedRunException(String reason) {
        super(reason);
    }

    public RejectedRunException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
