package dev.patchflow.schemas.events;

/** Every Patchflow event names its run, and its target if it is about one. */
public sealed interface PatchflowEvent permits PatchRequested, InstanceScanned, ScanCompleted, RunRejected,
        BackupCompleted, BackupFailed, PatchApplied, PatchFailed, PatchNotStarted, PowerStateRestored, ValidationPassed,
        ValidationFailed,
        RunCompleted, RunControlled, RunHalted, RunGateChanged {

    String runId();

    /** The target this event is about, or {@code null} for a run-level event. */
    default String targetId() {
        return null;
    }
}
