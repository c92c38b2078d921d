package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The canary gate of a run changed state: {@code WAITING} (the canary batch is verified, the gate holds the
 * rest), then {@code APPROVED} (manual gate) or {@code TIMER_ELAPSED} (timer gate), or {@code FAILED} (a
 * canary target failed or did not validate; the run halts).
 *
 * @param gate {@code manual} or {@code timer}
 * @param until when a timer gate opens (timer gate, {@code WAITING} only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunGateChanged(String runId, String gate, GateState state, String reason, Instant until, Instant at)
        implements
            PatchflowEvent {

    /** The states of a canary gate, in the order they can happen. */
    public enum GateState {
        WAITING, APPROVED, TIMER_ELAPSED, FAILED
    }
}
