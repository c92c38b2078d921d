package dev.patchflow.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Deletes archives older than the retention period and marks their records EXPIRED. The records are
 * queried with an explicit cutoff time: the MongoDB wire server used locally does not delete on TTL
 * indexes, and the object in S3 has to be deleted anyway.
 * <p>
 * An object that cannot be deleted stays COMPLETED and is retried by the next sweep.
 */
public final class RetentionSweeper {

    private static final System.Logger LOG = System.getLogger(RetentionSweeper.class.getName());

    /** What one sweep did. */
    public record Sweep(Instant cutoff, int expired, int failed) {
    }

    private final BackupRecords records;
    private final ArchiveStore store;
    private final Duration retention;
    private final int batchSize;

    public RetentionSweeper(BackupRecords records, ArchiveStore store, Duration retention, int batchSize) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        this.records = records;
        this.store = store;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    public Sweep sweep(Instant now) {
        Instant cutoff = now.minus(retention);
        int expired = 0;
        int failed = 0;
        while (true) {
            List<BackupRecord> due = records.completedBefore(cutoff, batchSize);
            int expiredInBatch = 0;
            for (BackupRecord record : due) {
                try {
                    store.delete(record.objectKey());
                    if (records.expired(record.key(), now)) {
                        expiredInBatch++;
                    }
                } catch (BackupFailureException e) {
                    failed++;
                    LOG.log(System.Logger.Level.WARNING, "cannot expire backup {0}: {1}", record.key(),
                            e.getMessage());
                }
            }
            expired += expiredInBatch;
            // A short batch was the last one; a batch where nothing could be expired would come back
            // unchanged, so stop and let the next sweep retry.
            if (due.size() < batchSize || expiredInBatch == 0) {
                return new Sweep(cutoff, expired, failed);
            }
        }
    }
}
