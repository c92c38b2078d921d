package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.PatchflowEvent;

/** Publishes a run-level event ({@code patchflow.runs}) and returns once the broker acknowledged it. */
public interface RunEventPublisher {

    /**
     * @param attempt part of the deterministic event id (the n-th halt, the n-th operator action)
     * @throws RuntimeException if it could not be published; it stays in the outbox and is sent again
     */
    void publish(PatchflowEvent event, int attempt);
}
