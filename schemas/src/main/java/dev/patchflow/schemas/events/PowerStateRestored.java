package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The runner put an instance it had started for patching back into the power state it was scanned in, once its
 * validation was in ({@link AwsOptions#restoresPowerOf}). For such a target this, not the validation, is the
 * terminal event.
 *
 * @param initialState the state the target was scanned in (e.g. {@code stopped})
 * @param state the state it is in now
 * @param restored whether {@code state} is {@code initialState} again; when not, {@code reason} says why
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PowerStateRestored(RunContext run, Target target, String initialState, String state,
        boolean restored, String reason, Instant at) implements PatchflowEvent, TargetEvent {

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
