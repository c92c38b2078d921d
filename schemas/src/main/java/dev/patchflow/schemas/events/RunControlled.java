package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An operator acted on a running rollout through the runner's run control API.
 *
 * @param action {@code APPROVE} (opens a manual canary gate), {@code HALT} (no new target starts),
 *        {@code RESUME} (dispatch continues), {@code CANCEL} (in-flight targets finish, the rest end
 *        {@code CANCELLED})
 * @param sequence the position of this action in the run's control history (1, 2, …): part of the event id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunControlled(String runId, RunControlAction action, String actor, String reason, Instant at,
        int sequence) implements PatchflowEvent {

    /** What an operator asked for. */
    public enum RunControlAction {
        APPROVE, HALT, RESUME, CANCEL
    }
}
