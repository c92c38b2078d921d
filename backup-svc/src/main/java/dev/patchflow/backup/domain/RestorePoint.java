package dev.patchflow.backup.domain;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a {@link BackupMethod} made: where the restore point is and how to check it.
 *
 * @param location where it is, e.g. {@code s3://patchflow/backups/r1/t1.tar.gz} or {@code ami-0123…}
 * @param objectKey the key in the archive store, for restore points that are one object there (else null)
 * @param sha256 hex SHA-256, for restore points that are one object (else null)
 * @param sizeBytes size in bytes, if known
 * @param details the method's own facts (e.g. {@code imageId}, {@code snapshotIds}, {@code retainUntil}),
 *        kept sorted so that an event re-emitted from the record is byte-identical
 */
public record RestorePoint(String location, String objectKey, String sha256, Long sizeBytes,
        SortedMap<String, String> details) {

    /**
     * A restore point's own retention, in {@code details} (RFC 3339): the sweeper removes it after this instead of
     * after the service-wide retention (an AMI kept for the run's {@code retention_days}).
     */
    public static final String RETAIN_UNTIL = "retainUntil";

    public RestorePoint {
        details = details == null
                ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    /** An archive: one object in the archive store. */
    public static RestorePoint archive(String location, String objectKey, ArchiveDigest digest) {
        return new RestorePoint(location, objectKey, digest.sha256(), digest.sizeBytes(), null);
    }

    public static RestorePoint of(String location, Map<String, String> details) {
        return new RestorePoint(location, null, null, null, new TreeMap<>(details));
    }
}
