package dev.patchflow.schemas.events;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A phase of a database cluster's rollout finished: the preflight (free space, a recent backup, every member
 * healthy; a failure rejects the cluster's rollout and touches nothing), the ephemeral clone test (the clone
 * patched and checked; production nodes start only if it passed) or the post-flight (the request's checks on
 * every node and the cluster as a whole). Run-level (key {@code runId}); one per cluster and phase.
 *
 * @param engine the cluster's kind, e.g. {@code postgres-patroni}
 * @param reason why it failed ({@code null} when it passed)
 * @param checks each check of the phase and its result
 * @param details facts of the phase (the clone's source and size, the newest backup's age, …), sorted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterPhaseCompleted(String runId, String clusterId, String engine, Phase phase, boolean passed,
        String reason, List<CheckResult> checks, Map<String, String> details, Instant completedAt)
        implements
            PatchflowEvent {

    /** The phases of a cluster rollout, in their order. */
    public enum Phase {
        PREFLIGHT, CLONE_TEST, POSTFLIGHT
    }

    public ClusterPhaseCompleted {
        checks = checks == null ? List.of() : List.copyOf(checks);
        details = details == null
                ? Collections.unmodifiableSortedMap(new TreeMap<>())
                : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    @Override
    public String factId() {
        return "cluster:" + clusterId + "/" + phase;
    }
}
