package dev.patchflow.schemas.events;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A restore point exists for the target (or the phase was skipped).
 *
 * @param location where the archive is, e.g. {@code s3://patchflow/backups/<runId>/<targetId>.tar.gz}
 * @param sha256 hex SHA-256 of the archive
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupCompleted(RunContext run, Target target, BackupStatus status, String location, String sha256,
        Long sizeBytes, String note, Instant completedAt) implements PatchflowEvent, TargetEvent {

    @Override
    public String runId() {
        return run.runId();
    }

    @Override
    public String targetId() {
        return target.id();
    }
}
