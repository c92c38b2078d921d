package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The runner stopped starting targets of a run; targets in flight finish. Held targets start again after a
 * {@code RESUME}, or end {@code CANCELLED} after a {@code CANCEL}.
 *
 * @param cause why: the error budget was exceeded, the canary failed, an operator halted it, or the
 *        policy was refused
 * @param failures failures counted against the budget when the run halted
 * @param sequence the n-th halt of the run (1, 2, …): part of the event id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunHalted(String runId, HaltCause cause, String reason, Integer failures, Instant at, int sequence)
        implements
            PatchflowEvent {

    /** Why a run halted. */
    public enum HaltCause {
        BUDGET_EXCEEDED, CANARY_FAILED, OPERATOR, POLICY_REFUSED
    }
}
