package dev.patchflow.kit.messaging;

/**
 * The service is stopping while a batch waits for a dependency: the batch is left unacknowledged (nothing is
 * committed for it) and is delivered again after the restart.
 */
public class PipelineStoppedException extends RuntimeException {

    public PipelineStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
