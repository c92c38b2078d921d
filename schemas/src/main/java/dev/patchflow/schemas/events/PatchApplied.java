package dev.patchflow.schemas.events;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The patch is on the target (or was already, or would be in a dry run).
 *
 * @param outputLocation where the executor's full output is stored
 * @param outputTail the last lines of the output, for the report
 * @param details executor-specific facts (e.g. the upgrade strategy), shown in the report
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PatchApplied(RunContext run, Target target, PatchStatus status, Integer exitCode, String outputLocation,
        String outputTail, Long durationMs, Map<String, String> details) implements PatchflowEvent, TargetEvent {

    public PatchApplied {
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
