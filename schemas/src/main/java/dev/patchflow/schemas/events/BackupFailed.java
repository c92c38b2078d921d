package dev.patchflow.schemas.events;

/** No restore point could be made; the runner will not patch this target. */
public record BackupFailed(RunContext run, Target target, String reason) implements PatchflowEvent, TargetEvent {

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
