package dev.patchflow.report.domain;

/**
 * Life of a run view. {@code COMPLETING} is the guard that makes RunCompleted once-only: exactly one
 * instance flips RUNNING to COMPLETING, writes the reports, emits and then marks COMPLETED.
 */
public enum RunState {
    RUNNING, COMPLETING, COMPLETED
}
