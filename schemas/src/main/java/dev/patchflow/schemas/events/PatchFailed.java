package dev.patchflow.schemas.events;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The patch did not get onto the target, and why: the executor failed (exit code and output), or the
 * target was not patched at all because its backup failed.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PatchFailed(RunContext run, Target target, String reason, Integer exitCode, String outputLocation,
        String outputTail, Long durationMs, Map<String, String> details) implements PatchflowEvent, TargetEvent {

    public PatchFailed {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
