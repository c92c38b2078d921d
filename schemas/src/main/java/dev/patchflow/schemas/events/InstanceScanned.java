package dev.patchflow.schemas.events;

/** The scanner found one target of the run. */
public record InstanceScanned(RunContext run, Target target) implements PatchflowEvent, TargetEvent {

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
