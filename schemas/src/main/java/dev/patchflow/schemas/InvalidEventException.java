package dev.patchflow.schemas;

/**
 * A record that cannot be accepted: it does not parse, fails its schema, lacks a CloudEvents header
 * or has an unknown type. The message is the reason written to the dead-letter topic.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String reason) {
        super(reason);
    }

    public InvalidEventException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
