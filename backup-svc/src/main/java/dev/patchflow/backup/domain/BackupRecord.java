package dev.patchflow.backup.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What is recorded about the backup of one target in one run, keyed by {@code runId/targetId}.
 *
 * @param method the {@link BackupMethod} that made it (COMPLETED / EXPIRED; null on records older than
 *        methods: an archive)
 * @param objectKey the key in the archive store, for restore points that are one object there
 * @param details the method's own facts, sorted
 * @param completedAt when the outcome was recorded: the {@code completedAt} of the event, so that a
 *        re-emitted event is the same as the first one
 * @param attempt how many times a backup was started for this fact (more than 1 after a crash)
 */
public record BackupRecord(String key, BackupState state, String method, String objectKey, String location,
        String sha256, Long sizeBytes, SortedMap<String, String> details, String note, String reason,
        Instant completedAt, Instant updatedAt, int attempt) {

    public BackupRecord {
        details = details == null
                ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    /** The restore point this record holds (COMPLETED / EXPIRED). */
    public RestorePoint restorePoint() {
        return new RestorePoint(location, objectKey, sha256, sizeBytes, details);
    }
}
