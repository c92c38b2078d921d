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
        String gateState, List<Entry> history) {

    public RolloutView {
        history = history == null ? List.of() : List.copyOf(history);
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
