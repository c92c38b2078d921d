package dev.patchflow.report.domain;

/**
 * What the report knows about a target's backup.
 *
 * @param status {@code COMPLETED}, {@code SKIPPED} or {@code FAILED}
 * @param note why a backup was skipped (e.g. "backup phase off")
 * @param reason why it failed
 */
public record BackupView(String status, String location, String sha256, Long sizeBytes, String note, String reason) {

    public static final String COMPLETED = "COMPLETED";
    public static final String SKIPPED = "SKIPPED";
    public static final String FAILED = "FAILED";

    public boolean failed() {
        return FAILED.equals(status);
    }
}
