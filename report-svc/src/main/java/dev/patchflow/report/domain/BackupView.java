package dev.patchflow.report.domain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the report knows about a target's backup.
 *
 * @param status {@code COMPLETED}, {@code SKIPPED} or {@code FAILED}
 * @param note why a backup was skipped (e.g. "backup phase off")
 * @param reason why it failed
 * @param method how the restore point was made ({@code archive}, {@code ami}, …), {@code null} if none was
 * @param details the method's own facts, e.g. an AMI's {@code imageId}, {@code createdAt}, {@code retainUntil},
 *        {@code snapshotIds}
 */
public record BackupView(String status, String location, String sha256, Long sizeBytes, String note, String reason,
        @JsonInclude(JsonInclude.Include.NON_NULL) String method,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> details) {

    public BackupView {
        // Sorted: the same facts give the same report, byte for byte.
        details = details == null
                ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(details));
    }

    /** A backup without method facts (a skipped or failed one, an archive before methods were recorded). */
    public BackupView(String status, String location, String sha256, Long sizeBytes, String note, String reason) {
        this(status, location, sha256, sizeBytes, note, reason, null, Map.of());
    }

    public static final String COMPLETED = "COMPLETED";
    public static final String SKIPPED = "SKIPPED";
    public static final String FAILED = "FAILED";

    public boolean failed() {
        return FAILED.equals(status);
    }
}
