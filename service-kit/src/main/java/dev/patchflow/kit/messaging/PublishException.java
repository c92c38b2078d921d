package dev.patchflow.kit.messaging;

/** Kafka did not take an outgoing event (refused, or no acknowledgement in time): transient, retried. */
public class PublishException extends RuntimeException {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
