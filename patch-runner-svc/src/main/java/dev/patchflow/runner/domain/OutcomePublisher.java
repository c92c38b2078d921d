package dev.patchflow.runner.domain;

import dev.patchflow.schemas.events.PatchflowEvent;

/** Emits a target's outcome and returns once the broker acknowledged it. */
public interface OutcomePublisher {

    /**
     * @throws RuntimeException if the event could not be published; the caller keeps it recorded as
     *         unemitted so that it is sent again
     */
    void publish(PatchflowEvent outcome);
}
