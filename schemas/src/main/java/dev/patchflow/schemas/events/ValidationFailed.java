package dev.patchflow.schemas.events;

import java.util.List;

/** At least one check failed; {@code failed} lists every failed check and why. */
public record ValidationFailed(RunContext run, Target target, List<CheckResult> checks, List<CheckResult> failed)
        implements
            PatchflowEvent,
            TargetEvent {

    public ValidationFailed {
        checks = checks == null ? List.of() : List.copyOf(checks);
        failed = failed == null ? List.of() : List.copyOf(failed);
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
