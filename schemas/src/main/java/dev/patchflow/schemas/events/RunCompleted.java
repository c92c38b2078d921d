package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Every scanned target reached a terminal state (or the run was rejected).
 *
 * @param reportLocation the folder holding the four report files, e.g. {@code s3://patchflow/reports/<runId>/}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunCompleted(RunContext run, RunOutcome outcome, RunCounts counts, String reason, String reportLocation,
        Instant completedAt) implements PatchflowEvent {

    @Override
    public String runId() {
        return run.runId();
    }
}
