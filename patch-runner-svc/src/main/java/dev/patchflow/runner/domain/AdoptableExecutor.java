package dev.patchflow.runner.domain;

import java.util.Optional;

/**
 * An executor whose work outlives the runner: it reports the child it starts through
 * {@link ExecutionRequest#onChildStarted()} before the child does anything, and a restarted runner hands the
 * recorded child back here instead of executing again.
 */
public interface AdoptableExecutor extends PatchExecutor {

    /**
     * The outcome of a child started by an earlier runner: waits for it while it is alive (up to the request's
     * timeout, counted from when the child was recorded), then reads the outcome it recorded. Empty when the
     * child is gone without recording an outcome: it never ran the command, or was killed, so the command may
     * be executed again.
     */
    Optional<ExecutionResult> adopt(ExecutionRequest request, ChildProcess child);
}
