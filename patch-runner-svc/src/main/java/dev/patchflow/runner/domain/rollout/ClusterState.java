package dev.patchflow.runner.domain.rollout;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One cluster of one run ({@code rollout_clusters}, one small document per run and cluster): its nodes that
 * reached the runner and those whose patch outcome is recorded. Loaded only when a cluster's primary is
 * decided; both sets only grow (an idempotent {@code $addToSet} each), so a copy read late is merely
 * conservative.
 *
 * @param members target id → role ({@code null} when the target has none)
 * @param finished target ids with a recorded patch outcome
 */
public record ClusterState(String clusterId, Map<String, String> members, Set<String> finished) {

    public ClusterState {
        // Roles may be absent (null): not Map.copyOf.
        members = Collections.unmodifiableMap(new HashMap<>(members));
        finished = Set.copyOf(finished);
    }

    public static ClusterState empty(String clusterId) {
        return new ClusterState(clusterId, Map.of(), Set.of());
    }

    /** Whether every other known node of the cluster has its patch outcome. */
    public boolean othersFinished(String self) {
        return members.keySet().stream().filter(id -> !id.equals(self)).allMatch(finished::contains);
    }
}
