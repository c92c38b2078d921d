package dev.patchflow.scanner.domain;

/**
 * A request reuses the run id of an earlier, different request. Emitting anything would corrupt the
 * earlier run's story downstream, so the record is refused (it ends on the dead-letter topic with this
 * message) rather than re-scanned or rejected.
 */
public class ConflictingRequestException extends RuntimeException {

    public ConflictingRequestException(String message) {
        super(message);
    }
}
