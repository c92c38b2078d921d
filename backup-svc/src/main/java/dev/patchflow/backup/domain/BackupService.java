package dev.patchflow.backup.domain;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import dev.patchflow.backup.domain.BackupRecords.Acquired;
import dev.patchflow.backup.domain.BackupRecords.Claim;
import dev.patchflow.backup.domain.BackupRecords.ClaimRequest;
import dev.patchflow.backup.domain.BackupRecords.Finish;
import dev.patchflow.backup.domain.BackupRecords.Recorded;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.events.InstanceScanned;

/**
 * Makes the restore points of scanned targets, exactly once per {@code runId/targetId}.
 * <p>
 * Order of work for a batch: claim every fact in the records (intent; one bulk write), decide each, make the
 * restore points that need making with the target kind's {@link BackupMethod} (concurrently, on a bounded
 * pool), record the outcomes (one bulk write); only then does the caller emit. A redelivered event whose
 * outcome is recorded gets that outcome back ({@link BackupOutcome#replayed()}) without a second backup; the
 * same target twice in one batch is backed up once and both get its outcome. A record still IN_PROGRESS
 * means an attempt crashed before recording its outcome: the method is called again with the next attempt
 * number and finds or redoes its restore point.
 * <p>
 * A failure of the records store is thrown (the batch is retried); a failure to make one restore point is
 * that target's {@code BackupFailed}.
 */
public final class BackupService {

    private static final System.Logger LOG = System.getLogger(BackupService.class.getName());

    private final BackupRecords records;
    private final BackupMethods methods;
    private final ExecutorService pool;
    private final Clock clock;

    /** @param pool where restore points are made, a few at a time (its size bounds the concurrency) */
    public BackupService(BackupRecords records, BackupMethods methods, ExecutorService pool, Clock clock) {
        this.records = records;
        this.methods = methods;
        this.pool = pool;
        this.clock = clock;
    }

    public BackupOutcome backUp(InstanceScanned scanned) {
        return backUpAll(List.of(scanned)).get(0);
    }

    /** The outcome of every scanned target, in the given order. */
    public List<BackupOutcome> backUpAll(List<InstanceScanned> batch) {
        Map<String, InstanceScanned> distinct = new LinkedHashMap<>();
        for (InstanceScanned scanned : batch) {
            distinct.putIfAbsent(EventIds.key(scanned.runId(), scanned.targetId()), scanned);
        }
        Instant claimedAt = now();
        Map<String, Claim> claims = records.claimAll(distinct.entrySet().stream()
                .map(e -> new ClaimRequest(e.getKey(), e.getValue().runId(), e.getValue().targetId()))
                .toList(), claimedAt);

        Map<String, BackupOutcome> outcomes = new LinkedHashMap<>();
        List<Finish> finishes = new ArrayList<>();
        Map<String, Future<Finish>> making = new LinkedHashMap<>();
        for (Map.Entry<String, InstanceScanned> entry : distinct.entrySet()) {
            String key = entry.getKey();
            InstanceScanned scanned = entry.getValue();
            Claim claim = claims.get(key);
            if (claim instanceof Recorded recorded) {
                outcomes.put(key, replay(recorded.record()));
                continue;
            }
            int attempt = ((Acquired) claim).attempt();
            if (attempt > 1) {
                LOG.log(System.Logger.Level.INFO,
                        "redoing backup of {0} (attempt {1}): the previous one did not finish", key, attempt);
            }
            BackupPlan plan = BackupPlan.of(scanned.run(), scanned.target(), methods);
            if (plan instanceof BackupPlan.Skip skip) {
                finishes.add(new BackupRecords.Skipped(key, skip.note(), now()));
            } else if (plan instanceof BackupPlan.Refuse refuse) {
                finishes.add(new BackupRecords.Failed(key, refuse.reason(), now()));
            } else {
                BackupMethod method = ((BackupPlan.Create) plan).method();
                BackupMethod.Job job = new BackupMethod.Job(scanned.run(), scanned.target(), attempt);
                making.put(key, pool.submit(() -> make(key, method, job)));
            }
        }
        for (Map.Entry<String, Future<Finish>> made : making.entrySet()) {
            finishes.add(await(made.getKey(), made.getValue()));
        }
        records.finishAll(finishes);
        for (Finish finish : finishes) {
            outcomes.put(finish.key(), outcomeOf(finish));
        }
        List<BackupOutcome> ordered = new ArrayList<>(batch.size());
        for (InstanceScanned scanned : batch) {
            ordered.add(outcomes.get(EventIds.key(scanned.runId(), scanned.targetId())));
        }
        return ordered;
    }

    private Finish make(String key, BackupMethod method, BackupMethod.Job job) {
        try {
            RestorePoint restorePoint = method.create(job);
            return new BackupRecords.Completed(key, method.name(), restorePoint, now());
        } catch (BackupFailureException e) {
            return new BackupRecords.Failed(key, e.getMessage(), now());
        }
    }

    private static Finish await(String key, Future<Finish> made) {
        try {
            return made.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing up " + key, e);
        } catch (ExecutionException e) {
            // A method that throws something other than BackupFailureException has a bug or lost a dependency
            // we cannot name: the batch is retried (the record stays IN_PROGRESS, the next attempt redoes it).
            throw new IllegalStateException("backup of " + key + " failed unexpectedly: " + e.getCause(),
                    e.getCause());
        }
    }

    private static BackupOutcome outcomeOf(Finish finish) {
        if (finish instanceof BackupRecords.Completed c) {
            return new BackupOutcome.Created(c.method(), c.restorePoint(), c.at(), false);
        }
        if (finish instanceof BackupRecords.Skipped s) {
            return new BackupOutcome.Skipped(s.note(), s.at(), false);
        }
        return new BackupOutcome.Failed(((BackupRecords.Failed) finish).reason(), false);
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
