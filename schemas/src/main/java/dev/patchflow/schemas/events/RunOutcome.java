package dev.patchflow.schemas.events;

/** How a run ended: every target fine, some failed, or the request was rejected. */
public enum RunOutcome {
    SUCCEEDED, FAILED, REJECTED
}
