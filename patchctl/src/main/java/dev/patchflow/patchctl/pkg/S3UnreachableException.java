package dev.patchflow.patchctl.pkg;

/**
 * S3 did not answer, or answered with an error, at the configured endpoint. The message names the
 * endpoint; the CLI exits with the "server not reachable" code.
 */
public class S3UnreachableException extends RuntimeException {

    public S3UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
