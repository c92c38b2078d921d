package dev.patchflow.backup.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;

import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.BackupRecords;
import dev.patchflow.backup.domain.BackupState;
import dev.patchflow.backup.domain.RestorePoint;

/**
 * The {@code backups} collection: one document per {@code runId/targetId} ({@code _id}). Only
 * single-document atomic operations: a unique {@code _id} insert claims the fact, and every outcome
 * update is conditional on the state it moves from.
 */
@ApplicationScoped
public class MongoBackupRecords implements BackupRecords {

    public static final String COLLECTION = "backups";

    static final String ID = "_id";
    static final String STATE = "state";
    static final String RUN_ID = "runId";
    static final String TARGET_ID = "targetId";
    static final String OBJECT_KEY = "objectKey";
    static final String LOCATION = "location";
    static final String SHA256 = "sha256";
    static final String SIZE_BYTES = "sizeBytes";
    static final String NOTE = "note";
    static final String REASON = "reason";
    static final String CREATED_AT = "createdAt";
    static final String COMPLETED_AT = "completedAt";
    static final String UPDATED_AT = "updatedAt";
    static final String EXPIRED_AT = "expiredAt";
    static final String ATTEMPT = "attempt";
    static final String METHOD = "method";
    static final String DETAILS = "details";
    /** A restore point's own end of retention (AMIs); absent: the service-wide retention applies. */
    static final String RETAIN_UNTIL = "retainUntil";

    private final MongoCollection<Document> backups;

    @Inject
    public MongoBackupRecords(MongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String database) {
        this(client.getDatabase(database).getCollection(COLLECTION));
    }

    MongoBackupRecords(MongoCollection<Document> backups) {
        this.backups = backups;
        // The sweeper's query: COMPLETED records by age.
        backups.createIndex(Indexes.ascending(STATE, COMPLETED_AT));
    }

    @Override
    public Claim claim(String key, String runId, String targetId, Instant now) {
        try {
            backups.insertOne(new Document(ID, key).append(STATE, BackupState.IN_PROGRESS.name())
                    .append(RUN_ID, runId)
                    .append(TARGET_ID, targetId)
                    .append(ATTEMPT, 1)
                    .append(CREATED_AT, Date.from(now))
                    .append(UPDATED_AT, Date.from(now)));
            return new Acquired(1);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        // Already known. Either an outcome is recorded (replay it), or an attempt died half-way (take over).
        Document taken = backups.findOneAndUpdate(inState(key, BackupState.IN_PROGRESS),
                combine(inc(ATTEMPT, 1), set(UPDATED_AT, Date.from(now))),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (taken != null) {
            return new Acquired(taken.getInteger(ATTEMPT));
        }
        Document recorded = backups.find(eq(ID, key)).first();
        if (recorded == null) {
            throw new IllegalStateException("backup record " + key + " vanished while it was claimed");
        }
        return new Recorded(toRecord(recorded));
    }

    @Override
    public void completed(String key, String method, RestorePoint restorePoint, Instant at) {
        finish(key, BackupState.COMPLETED, combine(set(METHOD, method), set(OBJECT_KEY, restorePoint.objectKey()),
                set(LOCATION, restorePoint.location()), set(SHA256, restorePoint.sha256()),
                set(SIZE_BYTES, restorePoint.sizeBytes()), set(DETAILS, new Document(restorePoint.details())),
                set(RETAIN_UNTIL, retainUntil(restorePoint))), at);
    }

    @Override
    public void skipped(String key, String note, Instant at) {
        finish(key, BackupState.SKIPPED, set(NOTE, note), at);
    }

    @Override
    public void failed(String key, String reason, Instant at) {
        finish(key, BackupState.FAILED, set(REASON, reason), at);
    }

    private void finish(String key, BackupState state, Bson outcome, Instant at) {
        long updated = backups
                .updateOne(inState(key, BackupState.IN_PROGRESS),
                        combine(outcome, set(STATE, state.name()), set(COMPLETED_AT, Date.from(at)),
                                set(UPDATED_AT, Date.from(at))))
                .getModifiedCount();
        if (updated != 1) {
            throw new IllegalStateException("backup record " + key + " is not IN_PROGRESS; cannot record " + state);
        }
    }

    private static Date retainUntil(RestorePoint restorePoint) {
        String until = restorePoint.details().get(RestorePoint.RETAIN_UNTIL);
        return until == null ? null : Date.from(Instant.parse(until));
    }

    @Override
    public List<BackupRecord> dueForExpiry(Instant now, Instant cutoff, int limit) {
        List<BackupRecord> due = new ArrayList<>();
        backups.find(and(eq(STATE, BackupState.COMPLETED.name()),
                or(lt(RETAIN_UNTIL, Date.from(now)), and(eq(RETAIN_UNTIL, null), lt(COMPLETED_AT, Date.from(cutoff))))))
                .sort(Sorts.ascending(COMPLETED_AT))
                .limit(limit)
                .forEach(document -> due.add(toRecord(document)));
        return due;
    }

    @Override
    public boolean expired(String key, Instant at) {
        return backups
                .updateOne(inState(key, BackupState.COMPLETED),
                        combine(set(STATE, BackupState.EXPIRED.name()), set(EXPIRED_AT, Date.from(at)),
                                set(UPDATED_AT, Date.from(at))))
                .getModifiedCount() == 1;
    }

    private static Bson inState(String key, BackupState state) {
        return and(eq(ID, key), eq(STATE, state.name()));
    }

    private static BackupRecord toRecord(Document d) {
        Number size = d.get(SIZE_BYTES, Number.class);
        return new BackupRecord(d.getString(ID), BackupState.valueOf(d.getString(STATE)), d.getString(METHOD),
                d.getString(OBJECT_KEY), d.getString(LOCATION), d.getString(SHA256),
                size == null ? null : size.longValue(), details(d.get(DETAILS, Document.class)), d.getString(NOTE),
                d.getString(REASON), instant(d.getDate(COMPLETED_AT)), instant(d.getDate(UPDATED_AT)),
                d.getInteger(ATTEMPT, 1));
    }

    private static SortedMap<String, String> details(Document details) {
        SortedMap<String, String> sorted = new TreeMap<>();
        if (details != null) {
            details.forEach((name, value) -> sorted.put(name, String.valueOf(value)));
        }
        return sorted;
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
