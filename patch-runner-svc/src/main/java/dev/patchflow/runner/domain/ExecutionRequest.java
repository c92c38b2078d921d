package dev.patchflow.runner.domain;

import java.nio.file.Path;
import java.time.Duration;

import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * What an executor gets: the run (with its patch and options), the target, the effective timeout and the
 * file the executor writes the target's output to (the runner tails it and uploads it).
 */
public record ExecutionRequest(RunContext run, Target target, boolean dryRun, Duration timeout, Path output) {

    public PatchSpec patch() {
        return run.patch();
    }
}
