package dev.patchflow.kubernetes;

/** A context or namespace Patchflow is not configured to work in; the message names what is configured. */
public class UnknownContextException extends IllegalArgumentException {

    public UnknownContextException(String message) {
        super(message);
    }
}
