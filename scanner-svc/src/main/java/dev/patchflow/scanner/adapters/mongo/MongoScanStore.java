package dev.patchflow.scanner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.bson.Document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.ScanRecord;
import dev.patchflow.scanner.domain.ScanState;
import dev.patchflow.scanner.domain.ScanStore;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ZoneError;

/**
 * Scan checkpoints in MongoDB database {@code scanner}:
 * <ul>
 * <li>{@code scans}: {@code {_id: runId, state, attempt, targetCount, reason, context, recordedAt,
 * emissions, lastEmittedAt}}, inserted once per run (the unique {@code _id} is the commit point);</li>
 * <li>{@code scan_targets}: {@code {_id: "runId/targetId", runId, attempt, index, targetId, target}},
 * written before the commit point with {@code insertMany} in batches.</li>
 * </ul>
 * The run context and the targets are stored as their event JSON (strings), so that what is re-emitted
 * is exactly what was recorded, and label keys with dots or dollars need no escaping.
 */
@ApplicationScoped
public class MongoScanStore implements ScanStore {

    public static final String DATABASE = "scanner";
    public static final String SCANS = "scans";
    public static final String SCAN_TARGETS = "scan_targets";

    private static final ObjectMapper JSON = EventJson.mapper();

    private final MongoCollection<Document> scans;
    private final MongoCollection<Document> scanTargets;
    private final int batchSize;
    private volatile boolean indexed;

    @Inject
    MongoScanStore(MongoClient client, ScannerConfig config) {
        this(client.getDatabase(DATABASE), config.writeBatchSize());
    }

    public MongoScanStore(MongoDatabase database, int batchSize) {
        this.scans = database.getCollection(SCANS);
        this.scanTargets = database.getCollection(SCAN_TARGETS);
        this.batchSize = batchSize;
    }

    @Override
    public Optional<ScanRecord> find(String runId) {
        return Optional.ofNullable(scans.find(eq("_id", runId)).first()).map(MongoScanStore::toRecord);
    }

    @Override
    public ScanRecord recordScan(RunContext context, String attempt, List<Target> targets,
            List<ZoneError> zoneErrors) {
        ensureIndex();
        String runId = context.runId();
        // Leftovers of an attempt that crashed before its commit: nothing was emitted from them.
        scanTargets.deleteMany(eq("runId", runId));
        List<Document> batch = new ArrayList<>(Math.min(batchSize, targets.size()));
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            batch.add(new Document("_id", runId + "/" + target.id()).append("runId", runId)
                    .append("attempt", attempt)
                    .append("index", i)
                    .append("targetId", target.id())
                    .append("target", json(target)));
            if (batch.size() == batchSize) {
                scanTargets.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            scanTargets.insertMany(batch, new InsertManyOptions().ordered(false));
        }
        return commit(new Document("_id", runId).append("state", ScanState.SCANNED.name())
                .append("attempt", attempt)
                .append("targetCount", targets.size())
                .append("context", json(context))
                .append("zoneErrors", json(zoneErrors))
                .append("recordedAt", Instant.now().toString())
                .append("emissions", 0));
    }

    @Override
    public ScanRecord recordRejection(RunContext context, String attempt, String reason) {
        return commit(new Document("_id", context.runId()).append("state", ScanState.REJECTED.name())
                .append("attempt", attempt)
                .append("targetCount", 0)
                .append("reason", reason)
                .append("context", json(context))
                .append("recordedAt", Instant.now().toString())
                .append("emissions", 0));
    }

    private ScanRecord commit(Document record) {
        try {
            scans.insertOne(record);
            return toRecord(record);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // Another attempt committed first: its decision stands.
            return find(record.getString("_id")).orElseThrow(() -> e);
        }
    }

    @Override
    public List<Target> targets(ScanRecord record) {
        List<Target> targets = new ArrayList<>(record.targetCount());
        for (Document doc : scanTargets.find(and(eq("runId", record.runId()), eq("attempt", record.attempt())))
                .sort(Sorts.ascending("index"))
                .batchSize(batchSize)) {
            targets.add(parse(doc.getString("target"), Target.class));
        }
        return targets;
    }

    @Override
    public void markEmitted(String runId) {
        scans.updateOne(eq("_id", runId),
                Updates.combine(Updates.inc("emissions", 1), Updates.set("lastEmittedAt", Instant.now().toString())));
    }

    private void ensureIndex() {
        if (!indexed) {
            // Replays read a run's targets in order; without the index that is a collection scan.
            scanTargets.createIndex(Indexes.ascending("runId", "index"), new IndexOptions().name("runId_index"));
            indexed = true;
        }
    }

    private static ScanRecord toRecord(Document doc) {
        return new ScanRecord(doc.getString("_id"), ScanState.valueOf(doc.getString("state")),
                parse(doc.getString("context"), RunContext.class), doc.getString("attempt"),
                doc.getInteger("targetCount", 0), doc.getString("reason"), zoneErrors(doc.getString("zoneErrors")));
    }

    private static List<ZoneError> zoneErrors(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(JSON.readValue(json, ZoneError[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable zone errors in the scan checkpoint", e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the scan checkpoint", e);
        }
    }
}
