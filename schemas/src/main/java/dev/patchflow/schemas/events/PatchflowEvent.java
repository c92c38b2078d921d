package dev.patchflow.schemas.events;

/** Every Patchflow event names its run, and its target if it is about one. */
public sealed interface PatchflowEvent permits PatchRequested, InstanceScanned, ScanCompleted, RunRejected,
        BackupCompleted, BackupFailed, PatchApplied, PatchFailed, PatchNotStarted, PowerStateRestored, ValidationPassed,
        ValidationFailed,
        RunCompleted, RunControlled, RunHalted, RunGateChanged, ClusterPhaseCompleted {

    String runId();

    /** The target this event is about, or {@code null} for a run-level event. */
    default String targetId() {
        return null;
    }

    /**
     * What makes this event one fact within its run, for its deterministic id: the target id by default; a
     * run-level event that happens once per something else (a cluster's phase) names that.
     */
    default String factId() {
        return targetId();
    }
}
