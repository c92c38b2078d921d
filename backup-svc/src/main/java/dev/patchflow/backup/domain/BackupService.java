package dev.patchflow.backup.domain;

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
 * Order of work: claim the fact in the records (intent), decide, make the restore point with the
 * target kind's {@link BackupMethod}, record the outcome; only then does the caller emit. A redelivered
 * event whose outcome is recorded gets that outcome back ({@link BackupOutcome#replayed()}) without a
 * second backup. A record still IN_PROGRESS means an attempt crashed before recording its outcome: the
 * method is called again with the next attempt number and finds or redoes its restore point.
 */
public final class BackupService {

    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());

    private final BackupRecords records;
    private final BackupMethods methods;
    private final Clock clock;

    public BackupService(BackupRecords records, BackupMethods methods, Clock clock) {
        this.records = records;
        this.methods = methods;
        this.clock = clock;
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
        BackupPlan plan = BackupPlan.of(scanned.run(), scanned.target(), methods);
        if (plan instanceof BackupPlan.Skip skip) {
            Instant now = now();
            records.skipped(key, skip.note(), now);
            return new BackupOutcome.Skipped(skip.note(), now, false);
        }
        if (plan instanceof BackupPlan.Refuse refuse) {
            return fail(key, refuse.reason());
        }
        BackupMethod method = ((BackupPlan.Create) plan).method();
        try {
            RestorePoint restorePoint = method.create(new BackupMethod.Job(scanned.run(), scanned.target(), attempt));
            Instant now = now();
            records.completed(key, method.name(), restorePoint, now);
            return new BackupOutcome.Created(method.name(), restorePoint, now, false);
        } catch (BackupFailureException e) {
            return fail(key, e.getMessage());
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
            case COMPLETED, EXPIRED -> new BackupOutcome.Created(
                    record.method() == null ? ArchiveFolderMethod.NAME : record.method(), record.restorePoint(),
                    record.completedAt(), true);
            case SKIPPED -> new BackupOutcome.Skipped(record.note(), record.completedAt(), true);
            case FAILED -> new BackupOutcome.Failed(record.reason(), true);
            case IN_PROGRESS -> throw new IllegalStateException("an IN_PROGRESS record is claimed, not replayed");
        };
    }
}
