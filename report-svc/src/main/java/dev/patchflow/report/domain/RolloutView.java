package dev.patchflow.report.domain;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the runner said about a run's rollout ({@code RunControlled}, {@code RunHalted}, {@code RunGateChanged}
 * on {@code patchflow.runs}): whether it is halted or cancelled, the canary gate's state, and the history of
 * operator actions, halts and gate changes in the order the runner emitted them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutView(boolean halted, String haltCause, String haltReason, boolean cancelled, String gate,
        String gateState, List<Entry> history,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ClusterPhase> clusters) {

    /**
     * {@code history} and {@code clusters} keep the order of the log: every run-level event of a run is keyed by its
     * run id, so they all sit in one partition of {@code patchflow.runs}, which a live consumer, a restarted one and
     * a replay all read in the same order (a redelivery is dropped by its event id).
     */
    public RolloutView {
        history = history == null ? List.of() : List.copyOf(history);
        clusters = clusters == null ? List.of() : List.copyOf(clusters);
    }

    public RolloutView(boolean halted, String haltCause, String haltReason, boolean cancelled, String gate,
            String gateState, List<Entry> history) {
        this(halted, haltCause, haltReason, cancelled, gate, gateState, history, List.of());
    }

    /**
     * A database cluster's phase ({@code ClusterPhaseCompleted}): {@code PREFLIGHT}, {@code CLONE_TEST} (the
     * ephemeral clone test) or {@code POSTFLIGHT}, with every check and why it failed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClusterPhase(String eventId, String clusterId, String engine, String phase, boolean passed,
            String reason, List<dev.patchflow.schemas.events.CheckResult> checks, java.util.Map<String, String> details,
            Instant completedAt) {

        /** Details sorted by key: the event's map has no defined order (Map.copyOf's changes with every JVM). */
        public ClusterPhase {
            details = details == null ? null : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(details));
        }
    }

    /** Halted by the runner and neither resumed nor cancelled since: no new target starts until an operator acts. */
    public boolean holding() {
        return halted && !cancelled;
    }

    /** The first failed cluster phase of the given kind, if any. */
    public java.util.Optional<ClusterPhase> failed(String phase) {
        return clusters.stream().filter(c -> !c.passed() && c.phase().equals(phase)).findFirst();
    }

    /**
     * One run-level event.
     *
     * @param type {@code RunControlled}, {@code RunHalted} or {@code RunGateChanged}
     * @param what the action ({@code HALT}…), the halt cause or the gate state
     * @param actor who (operator actions)
     * @param reason why
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String eventId, String type, String what, String actor, String reason, Instant at) {
    }
}
