package dev.patchflow.backup.domain;

import java.time.Instant;

/**
 * What is recorded about the backup of one target in one run, keyed by {@code runId/targetId}.
 *
 * @param objectKey the key in the archive store (COMPLETED / EXPIRED)
 * @param completedAt when the outcome was recorded: the {@code completedAt} of the event, so that a
 *        re-emitted event is the same as the first one
 * @param attempt how many times an archive was started for this fact (more than 1 after a crash)
 */
public record BackupRecord(String key, BackupState state, String objectKey, String location, String sha256,
        Long sizeBytes, String note, String reason, Instant completedAt, Instant updatedAt, int attempt) {
}
