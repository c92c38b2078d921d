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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;

import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.BackupRecords;
import dev.patchflow.backup.domain.BackupState;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.kit.mongo.MongoErrors;

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
            backups.insertOne(inProgress(key, runId, targetId, now));
            return new Acquired(1);
        } catch (MongoWriteException e) {
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
        }
        return claimKnown(key, now);
    }

    private static Document inProgress(String key, String runId, String targetId, Instant now) {
        return new Document(ID, key).append(STATE, BackupState.IN_PROGRESS.name())
                .append(RUN_ID, runId)
                .append(TARGET_ID, targetId)
                .append(ATTEMPT, 1)
                .append(CREATED_AT, Date.from(now))
                .append(UPDATED_AT, Date.from(now));
    }

    /** Already known. Either an outcome is recorded (replay it), or an attempt died half-way (take over). */
    private Claim claimKnown(String key, Instant now) {
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
    public Map<String, Claim> claimAll(List<ClaimRequest> requests, Instant now) {
        Map<String, Claim> claims = new LinkedHashMap<>();
        if (requests.isEmpty()) {
            return claims;
        }
        List<Document> fresh = requests.stream().map(r -> inProgress(r.key(), r.runId(), r.targetId(), now)).toList();
        Set<Integer> known = Set.of();
        try {
            // Unordered: a known fact does not stop the others from being claimed in the same round trip.
            backups.insertMany(fresh, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            known = MongoErrors.duplicateIndexes(e);
        }
        for (int i = 0; i < requests.size(); i++) {
            ClaimRequest r = requests.get(i);
            claims.put(r.key(), known.contains(i) ? claimKnown(r.key(), now) : new Acquired(1));
        }
        return claims;
    }

    @Override
    public void finishAll(List<Finish> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> updates = new ArrayList<>(outcomes.size());
        for (Finish finish : outcomes) {
            updates.add(new UpdateOneModel<>(inState(finish.key(), BackupState.IN_PROGRESS), finishUpdate(finish)));
        }
        BulkWriteResult result = backups.bulkWrite(updates, new BulkWriteOptions().ordered(false));
        if (result.getMatchedCount() != outcomes.size()) {
            throw new IllegalStateException((outcomes.size() - result.getMatchedCount()) + " of " + outcomes.size()
                    + " backup records were not IN_PROGRESS any more; cannot record their outcomes");
        }
    }

    private static Bson finishUpdate(Finish finish) {
        Bson outcome;
        BackupState state;
        if (finish instanceof Completed c) {
            state = BackupState.COMPLETED;
            RestorePoint point = c.restorePoint();
            outcome = combine(set(METHOD, c.method()), set(OBJECT_KEY, point.objectKey()),
                    set(LOCATION, point.location()),
                    set(SHA256, point.sha256()), set(SIZE_BYTES, point.sizeBytes()),
                    set(DETAILS, new Document(point.details())), set(RETAIN_UNTIL, retainUntil(point)));
        } else if (finish instanceof Skipped skipped) {
            state = BackupState.SKIPPED;
            outcome = set(NOTE, skipped.note());
        } else {
            state = BackupState.FAILED;
            outcome = set(REASON, ((Failed) finish).reason());
        }
        Date at = Date.from(finish.at());
        return combine(outcome, set(STATE, state.name()), set(COMPLETED_AT, at), set(UPDATED_AT, at));
    }

    @Override
    public void completed(String key, String method, RestorePoint restorePoint, Instant at) {
        finishAll(List.of(new Completed(key, method, restorePoint, at)));
    }

    @Override
    public void skipped(String key, String note, Instant at) {
        finishAll(List.of(new Skipped(key, note, at)));
    }

    @Override
    public void failed(String key, String reason, Instant at) {
        finishAll(List.of(new Failed(key, reason, at)));
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
