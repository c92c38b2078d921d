package dev.patchflow.runner.domain;

/**
 * Thrown by an {@link AdoptableExecutor} whose child could not be recorded through
 * {@link ExecutionRequest#onChildStarted()} (MongoDB briefly down): the executor has already made sure that the child
 * did nothing (a process that never got its "go", a suspended Job removed), so nothing ran and the target is to be
 * executed again later, not failed. A failure of a dependency delays a target; it is not the patch's failure.
 */
public final class StartNotRecordedException extends RuntimeException {

    public StartNotRecordedException(String message, Throwable cause) {
        super(message, cause);
    }
}
