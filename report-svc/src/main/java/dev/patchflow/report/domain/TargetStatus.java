package dev.patchflow.report.domain;

/** How a target ended, or {@code PENDING} while it is not terminal and nothing has failed. */
public enum TargetStatus {
    PENDING, SUCCEEDED, FAILED, ALREADY_APPLIED, DRY_RUN, SKIPPED
}
