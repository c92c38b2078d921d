package dev.patchflow.runner.domain;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import dev.patchflow.runner.domain.locks.Lease;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * What an executor gets: the run (with its patch and options), the target, the effective timeout and the
 * file the executor writes the target's output to (the runner tails it and uploads it).
 *
 * @param lock the cluster/target lock the patch runs under ({@code null} in dry runs): its token lets the
 *        patched system refuse a stale holder
 * @param onChildStarted an {@link AdoptableExecutor} reports its child here before the child does any work
 */
public record ExecutionRequest(RunContext run, Target target, boolean dryRun, Duration timeout, Path output,
        Lease lock, Consumer<ChildProcess> onChildStarted) {

    public ExecutionRequest {
        onChildStarted = onChildStarted == null ? child -> {
        } : onChildStarted;
    }

    public ExecutionRequest(RunContext run, Target target, boolean dryRun, Duration timeout, Path output) {
        this(run, target, dryRun, timeout, output, null, null);
    }

    public PatchSpec patch() {
        return run.patch();
    }
}
