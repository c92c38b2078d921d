package dev.patchflow.schemas.events;

/**
 * How a run ended: every target fine, some failed, the request was rejected, or (no failure but) some targets
 * were never started: the run was cancelled, its maintenance window ended, or a budget or policy held them.
 */
public enum RunOutcome {
    SUCCEEDED, FAILED, REJECTED, INCOMPLETE
}
