package dev.patchflow.runner.domain.cluster;

import java.time.Instant;
import java.util.List;

import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.RunContext;

/**
 * One database cluster's rollout within one run ({@code cluster_rollouts}, {@code _id = runId/clusterId}).
 *
 * @param phase where it is: {@link Phase}
 * @param refusal why its nodes do not start (phase {@link Phase#REFUSED})
 * @param worker the runner instance doing the current phase's work, until {@code workUntil}
 * @param since when the rollout was first asked for (a wait for the cluster's lock counts from here)
 * @param outbox phase events recorded and not yet acknowledged by the broker
 * @param results every phase event recorded so far (the report section's facts)
 */
public record ClusterRollout(String id, String runId, String clusterId, String kind, Phase phase, RunContext run,
        String refusal, String worker, Instant workUntil, Instant since, List<ClusterPhaseCompleted> outbox,
        List<ClusterPhaseCompleted> results) {

    /** The rollout's phases in order. */
    public enum Phase {
        /** Waiting for the cluster's lock, then preflight, then the clone test. */
        GATE,
        /** Preflight and clone test passed: the nodes go, one at a time; the cluster's lock is held. */
        OPEN,
        /** Refused (lock, preflight or clone test): no node starts. Terminal. */
        REFUSED,
        /** Every node has its outcome and the post-flight ran; the lock is released. Terminal. */
        DONE
    }

    public ClusterRollout {
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
        results = results == null ? List.of() : List.copyOf(results);
    }

    public static String idOf(String runId, String clusterId) {
        return runId + "/" + clusterId;
    }
}
