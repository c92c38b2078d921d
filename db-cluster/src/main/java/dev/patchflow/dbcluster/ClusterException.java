package dev.patchflow.dbcluster;

/** A cluster operation failed; the message says what, on which member, and names the endpoint. */
public class ClusterException extends RuntimeException {

    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
