package dev.patchflow.backup.domain;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The backup records (adapter: MongoDB collection {@code backups}). Every write is a single-document
 * atomic operation keyed by {@code runId/targetId}, which is what makes the consumer idempotent.
 */
public interface BackupRecords {

    /** The result of {@link #claim}: either go ahead with an attempt, or the outcome is already known. */
    sealed interface Claim {
    }

    /** This consumer owns the attempt: no outcome is recorded yet. */
    record Acquired(int attempt) implements Claim {
    }

    /** The outcome was recorded by an earlier delivery: re-emit it, do not redo the work. */
    record Recorded(BackupRecord record) implements Claim {
    }

    /** One fact to claim: {@code key} is {@code runId/targetId}. */
    record ClaimRequest(String key, String runId, String targetId) {
    }

    /** An outcome to record on a claimed (IN_PROGRESS) record. */
    sealed interface Finish {

        String key();

        Instant at();
    }

    record Completed(String key, String method, RestorePoint restorePoint, Instant at) implements Finish {
    }

    record Skipped(String key, String note, Instant at) implements Finish {
    }

    record Failed(String key, String reason, Instant at) implements Finish {
    }

    /**
     * {@link #claim} for many facts at once (distinct keys), in as few round trips as the store allows: one
     * bulk insert, and one more operation only per fact that was known already.
     */
    Map<String, Claim> claimAll(List<ClaimRequest> requests, Instant now);

    /**
     * Records many outcomes at once; each moves its record from IN_PROGRESS (the caller claimed it).
     *
     * @throws IllegalStateException if a record was not IN_PROGRESS any more
     */
    void finishAll(List<Finish> outcomes);

    /**
     * Records the intent to back up {@code key}: inserts an IN_PROGRESS record, or takes over an
     * IN_PROGRESS one left by a crashed attempt (attempt + 1), or returns the recorded outcome.
     */
    Claim claim(String key, String runId, String targetId, Instant now);

    void completed(String key, String method, RestorePoint restorePoint, Instant at);

    void skipped(String key, String note, Instant at);

    void failed(String key, String reason, Instant at);

    /**
     * COMPLETED records due for expiry, oldest first, at most {@code limit}: those whose restore point carries its
     * own retention ({@link RestorePoint#RETAIN_UNTIL}) once {@code now} passed it, the others when they were
     * completed before {@code cutoff} (the service-wide retention).
     */
    List<BackupRecord> dueForExpiry(Instant now, Instant cutoff, int limit);

    /** Marks a COMPLETED record EXPIRED; false if it was not COMPLETED any more. */
    boolean expired(String key, Instant at);
}
