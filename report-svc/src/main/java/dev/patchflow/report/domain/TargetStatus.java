package dev.patchflow.report.domain;

/**
 * How a target ended, or {@code PENDING} while it is not terminal and nothing has failed. {@code CANCELLED}:
 * the run was cancelled before the target started; {@code NOT_STARTED}: the maintenance window ended, its
 * failure domain's budget was exceeded, the rollout policy was refused, or the run was halted and then cancelled
 * while the target waited (the reason says which).
 */
public enum TargetStatus {
    PENDING, SUCCEEDED, FAILED, ALREADY_APPLIED, DRY_RUN, SKIPPED, CANCELLED, NOT_STARTED
}
