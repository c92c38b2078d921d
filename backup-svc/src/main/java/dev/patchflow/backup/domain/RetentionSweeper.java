package dev.patchflow.backup.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Removes restore points older than the retention period (each with the {@link BackupMethod} that made
 * it) and marks their records EXPIRED. The records are queried with an explicit cutoff time: the MongoDB
 * wire server used locally does not delete on TTL indexes, and the restore point has to be removed anyway.
 * <p>
 * A restore point that cannot be removed stays COMPLETED and is retried by the next sweep.
 */
public final class RetentionSweeper {

    private static final System.Logger LOG = System.getLogger(RetentionSweeper.class.getName());

    /** What one sweep did. */
    public record Sweep(Instant cutoff, int expired, int failed) {
    }

    private final BackupRecords records;
    private final BackupMethods methods;
    private final Duration retention;
    private final int batchSize;

    public RetentionSweeper(BackupRecords records, BackupMethods methods, Duration retention, int batchSize) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
        this.records = records;
        this.methods = methods;
        this.retention = retention;
        this.batchSize = batchSize;
    }

    public Sweep sweep(Instant now) {
        return sweep(now, false);
    }

    /**
     * One sweep; with {@code dryRun} nothing is removed or marked: each due restore point's method says what it
     * would do (and may ask its system whether it would be allowed), and only the first batch is looked at.
     */
    public Sweep sweep(Instant now, boolean dryRun) {
        Instant cutoff = now.minus(retention);
        if (dryRun) {
            int would = 0;
            int failed = 0;
            for (BackupRecord record : records.dueForExpiry(now, cutoff, batchSize)) {
                try {
                    String what = methods.forRecord(record)
                            .orElseThrow(() -> new BackupFailureException(
                                    "no backup method named '" + record.method() + "' to expire it with"))
                            .expireDryRun(record);
                    LOG.log(System.Logger.Level.INFO, "retention dry run, backup {0}: {1}", record.key(), what);
                    would++;
                } catch (BackupFailureException e) {
                    failed++;
                    LOG.log(System.Logger.Level.WARNING, "retention dry run, backup {0}: {1}", record.key(),
                            e.getMessage());
                }
            }
            return new Sweep(cutoff, would, failed);
        }
        int expired = 0;
        int failed = 0;
        while (true) {
            List<BackupRecord> due = records.dueForExpiry(now, cutoff, batchSize);
            int expiredInBatch = 0;
            for (BackupRecord record : due) {
                try {
                    methods.forRecord(record)
                            .orElseThrow(() -> new BackupFailureException(
                                    "no backup method named '" + record.method() + "' to expire it with"))
                            .expire(record);
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
