package dev.patchflow.schemas.events;

import java.util.List;

/**
 * Every check passed. {@code skipped} is true when nothing was checked (validation phase off, or a
 * dry run, whose install is unchanged by design).
 */
public record ValidationPassed(RunContext run, Target target, List<CheckResult> checks, boolean skipped)
        implements
            PatchflowEvent,
            TargetEvent {

    public ValidationPassed {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
