package dev.patchflow.backup.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.patchflow.backup.domain.BackupRecords.Acquired;
import dev.patchflow.backup.domain.BackupRecords.Claim;
import dev.patchflow.backup.domain.BackupRecords.Recorded;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.events.InstanceScanned;

/**
 * Makes the restore point of one scanned target, exactly once per {@code runId/targetId}.
 * <p>
 * Order of work: claim the fact in the records (intent), decide, archive to a temporary file while
 * hashing it, upload, record the outcome; only then does the caller emit. A redelivered event whose
 * outcome is recorded gets that outcome back ({@link BackupOutcome#replayed()}) without a second
 * archive or upload. A record still IN_PROGRESS means an attempt crashed before recording its outcome:
 * the backup is redone, which is safe because it overwrites the same object key.
 */
public final class BackupService {

    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());

    private final BackupRecords records;
    private final ArchiveStore store;
    private final TreeArchiver archiver;
    private final Path workDir;
    private final Clock clock;

    public BackupService(BackupRecords records, ArchiveStore store, TreeArchiver archiver, Path workDir,
            Clock clock) {
        this.records = records;
        this.store = store;
        this.archiver = archiver;
        this.workDir = workDir;
        this.clock = clock;
    }

    /** The object key of a target's archive: {@code backups/<runId>/<targetId>.tar.gz}. */
    public static String objectKey(String runId, String targetId) {
        return "backups/" + runId + "/" + targetId + ".tar.gz";
    }

    public BackupOutcome backUp(InstanceScanned scanned) {
        String runId = scanned.runId();
        String targetId = scanned.targetId();
        String key = EventIds.key(runId, targetId);
        Claim claim = records.claim(key, runId, targetId, now());
        if (claim instanceof Recorded recorded) {
            return replay(recorded.record());
        }
        int attempt = ((Acquired) claim).attempt();
        if (attempt > 1) {
            LOG.log(System.Logger.Level.INFO, "redoing backup of {0} (attempt {1}): the previous one did not finish",
                    key, attempt);
        }
        BackupPlan plan = BackupPlan.of(scanned.run(), scanned.target());
        if (plan instanceof BackupPlan.Skip skip) {
            Instant now = now();
            records.skipped(key, skip.note(), now);
            return new BackupOutcome.Skipped(skip.note(), now, false);
        }
        if (plan instanceof BackupPlan.Refuse refuse) {
            return fail(key, refuse.reason());
        }
        Path folder = ((BackupPlan.ArchiveFolder) plan).installFolder();
        return archive(key, objectKey(runId, targetId), folder);
    }

    private BackupOutcome archive(String key, String objectKey, Path folder) {
        Path temp;
        try {
            Files.createDirectories(workDir);
            temp = Files.createTempFile(workDir, "backup-", ".tar.gz");
        } catch (IOException e) {
            return fail(key, "cannot create a temporary archive in " + workDir + ": " + e.getMessage());
        }
        try {
            ArchiveDigest digest = archiver.archive(folder, temp);
            String location = store.put(objectKey, temp, digest);
            Instant now = now();
            records.completed(key, objectKey, location, digest, now);
            return new BackupOutcome.Archived(location, digest.sha256(), digest.sizeBytes(), now, false);
        } catch (BackupFailureException e) {
            return fail(key, e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete temporary archive " + temp, e);
            }
        }
    }

    private BackupOutcome fail(String key, String reason) {
        records.failed(key, reason, now());
        return new BackupOutcome.Failed(reason, false);
    }

    /**
     * Milliseconds: that is what the records keep, and a replayed event must carry the same
     * {@code completedAt} as the first one.
     */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static BackupOutcome replay(BackupRecord record) {
        return switch (record.state()) {
            case COMPLETED, EXPIRED -> new BackupOutcome.Archived(record.location(), record.sha256(),
                    record.sizeBytes(), record.completedAt(), true);
            case SKIPPED -> new BackupOutcome.Skipped(record.note(), record.completedAt(), true);
            case FAILED -> new BackupOutcome.Failed(record.reason(), true);
            case IN_PROGRESS -> throw new IllegalStateException("an IN_PROGRESS record is claimed, not replayed");
        };
    }
}
