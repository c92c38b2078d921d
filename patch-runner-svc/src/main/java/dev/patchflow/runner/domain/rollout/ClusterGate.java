package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.RunContext;

/**
 * Run phases that must pass before any node of a cluster starts (a database cluster's preflight and ephemeral
 * clone test): an {@link AdmissionGate} asked only for candidates that belong to a cluster. The default gate is
 * always open.
 */
public interface ClusterGate extends AdmissionGate {

    ClusterGate OPEN = (run, targetId, clusterId, allArrived) -> Verdict.open();

    /**
     * Whether a node of {@code clusterId} may start now.
     *
     * @param allArrived every target of the run reached the runner (the gate may need every node's backup)
     */
    Verdict verdict(RunContext run, String targetId, String clusterId, boolean allArrived);

    @Override
    default Verdict admit(RunContext run, RolloutPlanner.Candidate candidate, boolean allArrived) {
        String cluster = candidate.clusterId();
        return cluster == null || cluster.isBlank()
                ? Verdict.open()
                : verdict(run, candidate.id(), cluster, allArrived);
    }

    /** A target's restore point was made (a cluster's preflight asks for a recent backup). */
    default void backupCompleted(BackupCompleted event) {
    }
}
