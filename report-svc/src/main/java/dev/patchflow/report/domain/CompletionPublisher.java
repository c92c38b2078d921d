package dev.patchflow.report.domain;

import dev.patchflow.schemas.events.RunCompleted;

/** Sends RunCompleted and returns once the broker acknowledged it. */
public interface CompletionPublisher {

    /** @return the event id (deterministic for the run) */
    String publish(RunCompleted event);
}
