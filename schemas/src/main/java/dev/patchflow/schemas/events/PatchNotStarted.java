package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The runner ended a target without starting it: its terminal event. Nothing ran on the target.
 *
 * @param status {@code CANCELLED} (the run was cancelled), {@code HALTED} (the run was halted — error budget,
 *        failed canary, operator — and then cancelled while the target waited for a resume), {@code CUTOFF} (the
 *        maintenance window ended), {@code BUDGET_EXCEEDED} (its failure domain's error budget was exceeded),
 *        {@code REFUSED} (the rollout policy is not allowed for the run)
 * @param reason what an operator reads in the report
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PatchNotStarted(RunContext run, Target target, NotStartedStatus status, String reason)
        implements
            PatchflowEvent,
            TargetEvent {

    /** Why a target never started. */
    public enum NotStartedStatus {
        CANCELLED, CUTOFF, BUDGET_EXCEEDED, REFUSED, HALTED
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
