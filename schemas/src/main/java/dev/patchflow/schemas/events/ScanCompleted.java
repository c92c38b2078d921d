package dev.patchflow.schemas.events;

/** The scanner is done: the run has exactly {@code targetCount} targets. */
public record ScanCompleted(RunContext run, int targetCount) implements PatchflowEvent {

    @Override
    public String runId() {
        return run.runId();
    }
}
