package dev.patchflow.report.domain;

/**
 * Life of a run view. {@code COMPLETING} is the guard that makes RunCompleted once-only: exactly one
 * instance flips RUNNING to COMPLETING, writes the reports, emits and then marks COMPLETED.
 * <p>
 * {@code HALTED} is never stored: it is how the API, the reports and the dashboard show a {@code RUNNING} run
 * whose rollout the runner halted ({@code RunHalted}: error budget, failed canary, operator) and that was
 * neither resumed nor cancelled since ({@link RunRules#shownState}). Completion only ever looks at the stored
 * state, so a halted run completes as any other once its targets are terminal (after a cancel).
 */
public enum RunState {
    RUNNING, COMPLETING, COMPLETED, HALTED
}
