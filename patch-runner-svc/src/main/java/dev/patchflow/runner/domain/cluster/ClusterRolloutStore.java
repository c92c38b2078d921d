package dev.patchflow.runner.domain.cluster;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.patchflow.schemas.events.ClusterPhaseCompleted;

/**
 * The state of database cluster rollouts ({@code cluster_rollouts}), the backups their preflight asks for
 * ({@code cluster_backups}) and the node steps the executor finished ({@code cluster_nodes}). Single-document
 * atomic operations only.
 */
public interface ClusterRolloutStore {

    Optional<ClusterRollout> find(String id);

    /** Inserts it in phase {@link ClusterRollout.Phase#GATE} unless it exists; returns the stored one. */
    ClusterRollout insertIfAbsent(ClusterRollout rollout);

    /** Takes the rollout's work (free, expired, or already this worker's) until {@code until}; false if another has it. */
    boolean claimWork(String id, String worker, Instant now, Instant until);

    /** Gives the work back without a phase change (e.g. waiting for the cluster's lock). */
    void releaseWork(String id, String worker);

    /**
     * Moves the rollout from {@code from} to {@code to} (compare-and-set) and records {@code event} in the outbox and
     * the results in the same update; {@code refusal} is set when moving to REFUSED. False if it was not in
     * {@code from}.
     */
    boolean advance(String id, ClusterRollout.Phase from, ClusterRollout.Phase to, ClusterPhaseCompleted event,
            String refusal);

    /** Records a phase event without a phase change (GATE → GATE: preflight passed, clone test next). */
    boolean record(String id, ClusterRollout.Phase in, ClusterPhaseCompleted event);

    /** Rollouts not finished ({@code GATE}, {@code OPEN}) or with events still in their outbox. */
    List<ClusterRollout> active(int limit);

    /** The event {@code factId} was acknowledged by the broker. */
    void published(String id, String factId);

    /** A node's restore point: {@code takenAt} is when the data was copied. Idempotent per target. */
    void recordBackup(String runId, String clusterId, String targetId, String method, String location,
            Instant takenAt);

    /** The restore points of a cluster's nodes in a run. */
    List<BackupFact> backups(String runId, String clusterId);

    /** Whether a node's update step finished ({@code runId/targetId}). */
    boolean nodeUpdated(String runTargetId);

    void markNodeUpdated(String runTargetId, Instant at);

    /** A restore point of one node. */
    record BackupFact(String targetId, String method, String location, Instant takenAt) {
    }
}
