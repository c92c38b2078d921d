package dev.patchflow.backup.domain;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory {@link BackupRecords} with the same state machine as the Mongo adapter (which has its own
 * test against a wire server), for fast tests of the domain.
 */
public final class FakeRecords implements BackupRecords {

    final Map<String, BackupRecord> byKey = new ConcurrentHashMap<>();

    @Override
    public synchronized Claim claim(String key, String runId, String targetId, Instant now) {
        BackupRecord existing = byKey.get(key);
        if (existing == null) {
            byKey.put(key, new BackupRecord(key, BackupState.IN_PROGRESS, null, null, null, null, null, null, null,
                    null, null, now, 1));
            return new Acquired(1);
        }
        if (existing.state() == BackupState.IN_PROGRESS) {
            byKey.put(key, with(existing, BackupState.IN_PROGRESS, now, existing.attempt() + 1));
            return new Acquired(existing.attempt() + 1);
        }
        return new Recorded(existing);
    }

    @Override
    public Map<String, Claim> claimAll(List<ClaimRequest> requests, Instant now) {
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (ClaimRequest r : requests) {
            claims.put(r.key(), claim(r.key(), r.runId(), r.targetId(), now));
        }
        return claims;
    }

    @Override
    public void finishAll(List<Finish> outcomes) {
        for (Finish f : outcomes) {
            if (f instanceof Completed c) {
                completed(c.key(), c.method(), c.restorePoint(), c.at());
            } else if (f instanceof Skipped s) {
                skipped(s.key(), s.note(), s.at());
            } else {
                failed(f.key(), ((Failed) f).reason(), f.at());
            }
        }
    }

    @Override
    public void completed(String key, String method, RestorePoint point, Instant at) {
        BackupRecord r = inProgress(key);
        byKey.put(key, new BackupRecord(key, BackupState.COMPLETED, method, point.objectKey(), point.location(),
                point.sha256(), point.sizeBytes(), point.details(), null, null, at, at, r.attempt()));
    }

    @Override
    public void skipped(String key, String note, Instant at) {
        BackupRecord r = inProgress(key);
        byKey.put(key,
                new BackupRecord(key, BackupState.SKIPPED, null, null, null, null, null, null, note, null, at, at,
                        r.attempt()));
    }

    @Override
    public void failed(String key, String reason, Instant at) {
        BackupRecord r = inProgress(key);
        byKey.put(key,
                new BackupRecord(key, BackupState.FAILED, null, null, null, null, null, null, null, reason, at, at,
                        r.attempt()));
    }

    @Override
    public List<BackupRecord> dueForExpiry(Instant now, Instant cutoff, int limit) {
        return byKey.values()
                .stream()
                .filter(r -> r.state() == BackupState.COMPLETED && (r.details().containsKey("retainUntil")
                        ? Instant.parse(r.details().get("retainUntil")).isBefore(now)
                        : r.completedAt().isBefore(cutoff)))
                .sorted(Comparator.comparing(BackupRecord::completedAt))
                .limit(limit)
                .toList();
    }

    @Override
    public boolean expired(String key, Instant at) {
        BackupRecord r = byKey.get(key);
        if (r == null || r.state() != BackupState.COMPLETED) {
            return false;
        }
        byKey.put(key, with(r, BackupState.EXPIRED, at, r.attempt()));
        return true;
    }

    private BackupRecord inProgress(String key) {
        BackupRecord r = byKey.get(key);
        if (r == null || r.state() != BackupState.IN_PROGRESS) {
            throw new IllegalStateException(key + " is not IN_PROGRESS");
        }
        return r;
    }

    private static BackupRecord with(BackupRecord r, BackupState state, Instant at, int attempt) {
        return new BackupRecord(r.key(), state, r.method(), r.objectKey(), r.location(), r.sha256(), r.sizeBytes(),
                r.details(), r.note(), r.reason(), r.completedAt(), at, attempt);
    }
}
