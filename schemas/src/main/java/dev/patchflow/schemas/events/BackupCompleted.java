package dev.patchflow.schemas.events;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A restore point exists for the target (or the phase was skipped).
 *
 * @param location where the restore point is, e.g. {@code s3://patchflow/backups/<runId>/<targetId>.tar.gz}
 *        or an AMI {@code ami-0123…}
 * @param sha256 hex SHA-256 of the archive, for restore points that are one object
 * @param method how it was made: {@code archive} (directory installs; the default), {@code ami}, or the
 *        method of another target kind
 * @param details the method's own facts, sorted by name, e.g. {@code imageId}, {@code snapshotIds},
 *        {@code retainUntil}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record BackupCompleted(RunContext run, Target target, BackupStatus status, String location, String sha256,
        Long sizeBytes, String note, Instant completedAt, String method, SortedMap<String, String> details)
        implements
            PatchflowEvent,
            TargetEvent {

    public BackupCompleted {
        details = details == null
                ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    /** A restore point without method-specific facts (an archive), or a skipped phase. */
    public BackupCompleted(RunContext run, Target target, BackupStatus status, String location, String sha256,
            Long sizeBytes, String note, Instant completedAt) {
        this(run, target, status, location, sha256, sizeBytes, note, completedAt,
                status == BackupStatus.COMPLETED ? "archive" : null, null);
    }

    /** {@link #details} from any map; the event keeps them sorted. */
    public static SortedMap<String, String> details(Map<String, String> details) {
        return new TreeMap<>(details);
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
