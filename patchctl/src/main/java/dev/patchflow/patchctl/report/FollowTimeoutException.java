package dev.patchflow.patchctl.report;

/** The run did not complete within {@code --follow-timeout}. It may still complete later. */
public class FollowTimeoutException extends RuntimeException {

    public FollowTimeoutException(String message) {
        super(message);
    }
}
