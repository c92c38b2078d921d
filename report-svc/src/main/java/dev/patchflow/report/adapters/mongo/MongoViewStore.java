package dev.patchflow.report.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.min;
import static com.mongodb.client.model.Updates.push;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.conversions.Bson;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.kit.mongo.MongoErrors;
import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.AwsView;
import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.HistoryEntry;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.PowerView;
import dev.patchflow.report.domain.RolloutView;
import dev.patchflow.report.domain.RunState;
import dev.patchflow.report.domain.RunView;
import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetHistory;
import dev.patchflow.report.domain.TargetPage;
import dev.patchflow.report.domain.TargetPageRequest;
import dev.patchflow.report.domain.TargetTally;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.report.domain.ViewCounts;
import dev.patchflow.report.domain.ViewStore;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOutcome;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ZoneError;

/**
 * Run and target views in MongoDB. Collection {@code runs}: {@code _id = runId}; collection
 * {@code targets}: {@code _id = runId|targetId}, one sub-document per stage ({@code backup},
 * {@code patch}, {@code validation}) and a {@code terminal} flag. Only single-document atomic operations
 * (the wire server has no transactions).
 */
@ApplicationScoped
public class MongoViewStore implements ViewStore {

    static final String RUNS = "runs";
    static final String TARGETS = "targets";
    /** A target's story: one document per event and target ({@code _id = runId|targetId|eventId}). */
    static final String HISTORY = "history";
    /** The {@code targetId} of a story entry that belongs to every target of the run (request, operator actions). */
    static final String WHOLE_RUN = "*";

    /**
     * {@code false} when the run view is created, {@code true} once the first of its targets whose executor reported
     * on drift ({@code patch.details.drift}) is recorded, before that target's view: a run that says {@code false}
     * has no such target. A view stored before the marker existed has none and is selected as before.
     */
    static final String DRIFT_REPORTED = "driftReported";

    private static final Logger LOG = Logger.getLogger(MongoViewStore.class);
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
    private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);

    private final MongoCollection<Document> runs;
    private final MongoCollection<Document> targets;
    /** {@link #targets} read as {@link TargetRow}s, decoded straight from BSON ({@link TargetRowCodec}). */
    private final MongoCollection<TargetRow> targetRows;
    private final MongoCollection<Document> history;
    private final int batchSize;

    public MongoViewStore(MongoClient client, ReportConfig config) {
        var db = client.getDatabase(config.database());
        this.batchSize = config.targetBatchSize();
        if (batchSize < 1) {
            // 0 would read a whole run in one batch (the driver's default reply), holding it all in memory
            throw new IllegalArgumentException(
                    "patchflow.report.target-batch-size must be at least 1, was " + batchSize);
        }
        this.runs = db.getCollection(RUNS);
        this.targets = db.getCollection(TARGETS);
        this.targetRows = targets.withDocumentClass(TargetRow.class).withCodecRegistry(CodecRegistries
                .fromRegistries(CodecRegistries.fromCodecs(new TargetRowCodec()), targets.getCodecRegistry()));
        this.history = db.getCollection(HISTORY);
        createIndexes();
    }

    private void createIndexes() {
        try {
            targets.createIndex(Indexes.ascending("runId", "targetId"));
            runs.createIndex(Indexes.ascending("state", "updatedAt"));
            runs.createIndex(Indexes.descending("createdAt"));
            history.createIndex(Indexes.ascending("runId", "targetId"));
        } catch (RuntimeException e) {
            // Indexes only make queries faster; the service is correct without them.
            LOG.warnf("could not create indexes: %s", e.getMessage());
        }
    }

    @Override
    public void touchRun(RunContext context, Instant now) {
        upsertRun(context, now, set("updatedAt", date(now)));
    }

    @Override
    public void markRequested(RunContext context, Instant now) {
        upsertRun(context, now, set("requested", true), set("updatedAt", date(now)));
    }

    @Override
    public void markScanCompleted(RunContext context, int targetCount, List<ZoneError> zoneErrors, Instant at,
            Instant now) {
        upsertRun(context, now, scanEndedAt(at, set("scanCompleted", true), set("expectedTargets", targetCount),
                set("zoneErrors", zoneErrors.stream().map(MongoViewStore::zoneErrorDoc).toList()),
                set("updatedAt", date(now))));
    }

    @Override
    public void markRejected(RunContext context, String reason, Instant at, Instant now) {
        upsertRun(context, now,
                scanEndedAt(at, set("rejected", true), set("reason", reason), set("updatedAt", date(now))));
    }

    /** The updates, and {@code $min} of the event's time: the earliest copy's is kept, whatever order they came in. */
    private static Bson[] scanEndedAt(Instant at, Bson... updates) {
        List<Bson> all = new ArrayList<>(List.of(updates));
        if (at != null) {
            all.add(min("scanEndedAt", date(at)));
        }
        return all.toArray(Bson[]::new);
    }

    @Override
    public void markCompletionSeen(String runId, String eventId) {
        // Kept also when it comes before the run's other events (a replay): the run view is created for it.
        onceUpserted(runId, ne("completionSeen", true),
                List.of(set("completionSeen", true), set("completionEventId", eventId)), null);
    }

    @Override
    public boolean recordRollout(String runId, RolloutView.Entry entry, Boolean halted, String haltCause,
            String haltReason, Boolean cancelled, String gate, String gateState) {
        List<Bson> updates = new ArrayList<>();
        Document e = new Document("eventId", entry.eventId()).append("type", entry.type()).append("what", entry.what())
                .append("actor", entry.actor()).append("reason", entry.reason())
                .append("at", entry.at() == null ? null : Date.from(entry.at()));
        updates.add(push("rollout.history", e));
        if (halted != null) {
            updates.add(set("rollout.halted", halted));
            updates.add(set("rollout.haltCause", haltCause));
            updates.add(set("rollout.haltReason", haltReason));
        }
        if (cancelled != null) {
            updates.add(set("rollout.cancelled", cancelled));
        }
        if (gateState != null) {
            updates.add(set("rollout.gate", gate));
            updates.add(set("rollout.gateState", gateState));
        }
        // Once per event id: a redelivery finds its entry in the history and changes nothing. A run-level event that
        // comes before the run's first target or request event (topics are read in parallel, e.g. on a replay)
        // creates the run view instead of being dropped; the first event with the run context completes it.
        return onceUpserted(runId, ne("rollout.history.eventId", entry.eventId()), updates, entry.at());
    }

    /**
     * Applies {@code updates} to the run if {@code notYet} holds, creating the run (without context) if it does not
     * exist. The upsert of a run that exists but no longer matches {@code notYet} (the event was recorded already)
     * tries to insert a second document with the same id: MongoDB refuses it, and a plain update settles it.
     */
    private boolean onceUpserted(String runId, Bson notYet, List<Bson> updates, Instant at) {
        List<Bson> all = new ArrayList<>(updates);
        all.add(setOnInsert("state", RunState.RUNNING.name()));
        all.add(setOnInsert("terminal", 0));
        all.add(setOnInsert(DRIFT_REPORTED, false));
        if (at != null) {
            all.add(setOnInsert("createdAt", Date.from(at)));
        }
        try {
            var result = runs.updateOne(and(eq("_id", runId), notYet), combine(all), UPSERT);
            return result.getModifiedCount() > 0 || result.getUpsertedId() != null;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return runs.updateOne(and(eq("_id", runId), notYet), combine(updates)).getModifiedCount() > 0;
        }
    }

    @Override
    public boolean recordClusterPhase(String runId, RolloutView.ClusterPhase phase) {
        // JSON text: check names and details are free-form. Once per event id.
        Document d = new Document("eventId", phase.eventId()).append("json", writeJson(phase));
        return onceUpserted(runId, ne("rollout.clusters.eventId", phase.eventId()),
                List.of(push("rollout.clusters", d)),
                phase.completedAt());
    }

    /** The run's identity is set on insert only; whichever event of the run comes first creates it. */
    private void upsertRun(RunContext context, Instant now, Bson... updates) {
        List<Bson> all = new ArrayList<>(List.of(updates));
        all.add(setOnInsert("state", RunState.RUNNING.name()));
        all.add(setOnInsert("terminal", 0));
        all.add(setOnInsert(DRIFT_REPORTED, false));
        all.add(setOnInsert("createdAt", date(now)));
        all.add(setOnInsert("context", json(context)));
        all.add(setOnInsert("patchId", context.patch() == null ? null : context.patch().id()));
        all.add(setOnInsert("patchVersion", context.patch() == null ? null : context.patch().version()));
        all.add(setOnInsert("requestedBy", context.requestedBy()));
        try {
            // Matches only a run that has its context: one write in the usual case.
            runs.updateOne(and(eq("_id", context.runId()), exists("context")), combine(all), UPSERT);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            // The run exists without its context (a run-level event created it, see recordRollout), or another
            // first event of the run inserted it a moment ago: give it the context if it has none, then the facts.
            runs.updateOne(and(eq("_id", context.runId()), exists("context", false)),
                    combine(set("context", json(context)),
                            set("patchId", context.patch() == null ? null : context.patch().id()),
                            set("patchVersion", context.patch() == null ? null : context.patch().version()),
                            set("requestedBy", context.requestedBy())));
            runs.updateOne(and(eq("_id", context.runId()), eq("createdAt", null)), set("createdAt", date(now)));
            runs.updateOne(eq("_id", context.runId()), combine(updates));
        }
    }

    /**
     * One unordered insert of the batch's entries; an entry whose {@code _id} exists was stored by an earlier
     * delivery of the same event, so the duplicate-key refusal of its insert is the idempotence, not an error.
     */
    @Override
    public java.util.Set<String> recordHistory(List<TargetHistory.Fact> facts) {
        if (facts.isEmpty()) {
            return java.util.Set.of();
        }
        Map<String, Document> docs = new LinkedHashMap<>();
        for (TargetHistory.Fact f : facts) {
            String targetId = f.targetId() == null ? WHOLE_RUN : f.targetId();
            HistoryEntry e = f.entry();
            String id = f.runId() + "|" + targetId + "|" + e.eventId();
            docs.putIfAbsent(id, new Document("_id", id).append("runId", f.runId()).append("targetId", targetId)
                    .append("eventId", e.eventId()).append("at", e.at() == null ? null : Date.from(e.at()))
                    .append("type", e.type()).append("stage", e.stage()).append("summary", e.summary())
                    .append("facts", new Document(new LinkedHashMap<>(e.facts()))));
        }
        List<Document> inserts = new ArrayList<>(docs.values());
        java.util.Set<Integer> duplicates = java.util.Set.of();
        try {
            history.insertMany(inserts, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            duplicates = MongoErrors.duplicateIndexes(e);
        }
        java.util.Set<String> runsWithNewEntries = new java.util.TreeSet<>();
        for (int i = 0; i < inserts.size(); i++) {
            if (!duplicates.contains(i)) {
                runsWithNewEntries.add(inserts.get(i).getString("runId"));
            }
        }
        return runsWithNewEntries;
    }

    @Override
    public List<HistoryEntry> history(String runId, String targetId) {
        List<HistoryEntry> entries = new ArrayList<>();
        for (Document d : history.find(and(eq("runId", runId), in("targetId", targetId, WHOLE_RUN)))) {
            Map<String, String> facts = new LinkedHashMap<>();
            Document f = d.get("facts", Document.class);
            if (f != null) {
                f.forEach((k, v) -> facts.put(k, String.valueOf(v)));
            }
            entries.add(new HistoryEntry(d.getString("eventId"), instant(d.getDate("at")), d.getString("type"),
                    d.getString("summary"), facts, d.getInteger("stage", 0)));
        }
        return entries;
    }

    @Override
    public boolean hasTarget(String runId, String targetId) {
        return targets.find(eq("_id", targetKey(runId, targetId))).projection(Projections.include("_id"))
                .first() != null;
    }

    @Override
    public void recordTargets(List<TargetFact> facts, Instant now) {
        if (facts.isEmpty()) {
            return;
        }
        // The run says that a target of it reported on drift before the target's view does, so a drift selection
        // that finds the run unmarked may skip its targets (streamDriftCandidates).
        facts.stream().filter(f -> f.fact() instanceof PatchView p && p.details().containsKey("drift"))
                .map(TargetFact::runId).distinct()
                .forEach(runId -> runs.updateOne(eq("_id", runId), set(DRIFT_REPORTED, true)));
        List<UpdateOneModel<Document>> writes = new ArrayList<>(facts.size());
        for (TargetFact f : facts) {
            writes.add(new UpdateOneModel<>(eq("_id", targetKey(f.runId(), f.target().id())),
                    targetUpdate(f.runId(), f.target(), f.stage(), f.fact(), f.terminalAt(), now), UPSERT));
        }
        try {
            // Ordered: two facts of one target in a batch apply in the order they came.
            targets.bulkWrite(writes, ORDERED);
        } catch (MongoBulkWriteException e) {
            // Two first events of one target racing on different topics both tried to insert: the loser's writes
            // are repeated, and then find the document (every write is an idempotent set).
            MongoErrors.duplicateIndexes(e);
            targets.bulkWrite(writes, ORDERED);
        }
    }

    private static Bson targetUpdate(String runId, Target target, Stage stage, Object fact, Instant terminalAt,
            Instant now) {
        List<Bson> updates = new ArrayList<>();
        updates.add(set("runId", runId));
        updates.add(set("targetId", target.id()));
        updates.add(set("name", target.name()));
        updates.add(set("kind", target.kind()));
        updates.add(set("environment", target.environment()));
        updates.add(set("landingZone", target.landingZone()));
        updates.add(set("installedVersion", target.installedVersion()));
        updates.add(set("updatedAt", date(now)));
        updates.add(setOnInsert("terminal", false));
        if (terminalAt != null) {
            // The earliest terminal event's time: a redelivery, or a re-emission with a later time, changes nothing.
            updates.add(min("terminalAt", date(terminalAt)));
        }
        AwsView aws = AwsView.of(target);
        if (aws != null) {
            // Every event of an instance carries the same scanned facts: setting them again changes nothing.
            updates.add(set("aws", TargetRowCodec.awsDoc(aws)));
        }
        switch (stage) {
            case SCAN -> updates.add(set("scanned", true));
            case BACKUP -> updates.add(set("backup", TargetRowCodec.backupDoc((BackupView) fact)));
            case PATCH -> updates.add(set("patch", TargetRowCodec.patchDoc((PatchView) fact)));
            case VALIDATION -> updates.add(set("validation", TargetRowCodec.validationDoc((ValidationView) fact)));
            case POWER -> updates.add(set("power", TargetRowCodec.powerDoc((PowerView) fact)));
        }
        return combine(updates);
    }

    @Override
    public int markTerminal(String runId, Collection<String> targetIds) {
        if (targetIds.isEmpty()) {
            return 0;
        }
        List<UpdateOneModel<Document>> flips = new ArrayList<>(targetIds.size());
        for (String targetId : new LinkedHashSet<>(targetIds)) {
            flips.add(new UpdateOneModel<>(and(eq("_id", targetKey(runId, targetId)), eq("terminal", false)),
                    set("terminal", true)));
        }
        // Each flip is conditional on the flag still being false: the modified count is what this call flipped.
        return targets.bulkWrite(flips, ORDERED).getModifiedCount();
    }

    @Override
    public void incrementTerminal(String runId, int flipped, Instant now) {
        runs.updateOne(eq("_id", runId), combine(inc("terminal", flipped), set("updatedAt", date(now))));
    }

    @Override
    public int countTerminal(String runId) {
        return (int) targets.countDocuments(and(eq("runId", runId), eq("terminal", true)));
    }

    @Override
    public Optional<RunView> run(String runId) {
        return Optional.ofNullable(runs.find(eq("_id", runId)).first()).map(MongoViewStore::runView);
    }

    @Override
    public Optional<RunStamp> runStamp(String runId) {
        // updatedAt moves with every batch of the run's events (touchRun), target facts included.
        return Optional.ofNullable(runs.find(eq("_id", runId)).first())
                .map(d -> new RunStamp(runView(d), instant(d.getDate("updatedAt"))));
    }

    @Override
    public List<RunView> runs(int limit) {
        return runs.find().sort(Sorts.descending("createdAt")).limit(limit).map(MongoViewStore::runView)
                .into(new ArrayList<>());
    }

    /**
     * By {@code _id} ({@code runId|targetId}): within one run that is target id order, and MongoDB reads the
     * range and its order straight from the {@code _id} index. The {@code runId} condition keeps another run
     * whose id extends this one with a {@code |} out of the range. The next batch is read while the caller works
     * on this one ({@link PrefetchingCursor}).
     */
    @Override
    public Stream<TargetView> streamTargets(String runId, TargetFilter filter) {
        MongoCursor<TargetView> cursor = targetRows.find(targetQuery(runId, filter, null, null))
                .sort(Sorts.ascending("_id")).batchSize(batchSize).map(TargetRow::view).cursor();
        return PrefetchingCursor.stream(cursor, batchSize, 1, "report-views-" + runId);
    }

    /**
     * Outside a dry run the store selects the few targets whose executor reported on drift, and none without a query
     * when the run view says none did ({@link #DRIFT_REPORTED}): on the wire server the selection is a collection scan
     * that would come before a report's first target.
     */
    @Override
    public Stream<TargetView> streamDriftCandidates(String runId, boolean dryRun) {
        Bson query = targetQuery(runId, TargetFilter.ALL, null, null);
        if (!dryRun) {
            Document run = runs.find(eq("_id", runId)).projection(Projections.include(DRIFT_REPORTED)).first();
            // Only a run created with the marker says "none so far" (false). No run view (targets recorded on their
            // own, not through the projector, which touches the run first) or one stored before the marker existed
            // says nothing, so their targets are selected.
            if (run != null && Boolean.FALSE.equals(run.get(DRIFT_REPORTED))) {
                return Stream.empty();
            }
            query = and(query, exists("patch.details.drift"));
        }
        MongoCursor<TargetView> cursor = targetRows.find(query).sort(Sorts.ascending("_id")).batchSize(batchSize)
                .map(TargetRow::view).cursor();
        return PrefetchingCursor.stream(cursor, batchSize, 1, "report-drift-" + runId);
    }

    @Override
    public TargetPage<TargetView> targetPage(String runId, TargetFilter filter, TargetPageRequest page) {
        if (page.size() == 0) {
            return new TargetPage<>(List.of(), null, null);
        }
        Bson query = page.backwards()
                ? targetQuery(runId, filter, null, page.before())
                : targetQuery(runId, filter, page.after(), null);
        List<TargetView> rows = targetRows.find(query)
                .sort(page.backwards() ? Sorts.descending("_id") : Sorts.ascending("_id"))
                .limit(page.size() + 1).batchSize(page.size() + 1).map(TargetRow::view)
                .into(new ArrayList<>());
        return TargetPage.of(rows, page, TargetView::targetId);
    }

    /** Only the facts the counts are derived from, so a 100,000-target run is counted from small documents. */
    @Override
    public TargetTally tally(String runId) {
        TargetTally tally = new TargetTally();
        targetRows.find(targetQuery(runId, TargetFilter.ALL, null, null))
                .projection(Projections.include("scanned", "backup.status", "patch.status", "validation.status",
                        "terminalAt"))
                .batchSize(batchSize)
                .forEach(row -> tally.add(row.view()).terminalAt(row.terminalAt()));
        return tally;
    }

    /** The run's target views, optionally only those after / before a target id, that pass the filter. */
    private static Bson targetQuery(String runId, TargetFilter filter, String afterTarget, String beforeTarget) {
        List<Bson> query = new ArrayList<>();
        query.add(afterTarget == null ? gte("_id", targetKey(runId, "")) : gt("_id", targetKey(runId, afterTarget)));
        // '}' follows '|': every "<runId>|…" sorts below "<runId>}"
        query.add(beforeTarget == null ? lt("_id", runId + "}") : lt("_id", targetKey(runId, beforeTarget)));
        query.add(eq("runId", runId));
        if (!filter.isAll()) {
            query.add(TargetConditions.toBson(filter.condition()));
        }
        return and(query);
    }

    @Override
    public boolean claimCompletion(String runId, Instant now) {
        // completedAt is not the claim's time: the completion takes it from the log (RunRules.completedAt).
        return runs.findOneAndUpdate(and(eq("_id", runId), eq("state", RunState.RUNNING.name())),
                combine(set("state", RunState.COMPLETING.name()), set("completingAt", date(now)))) != null;
    }

    @Override
    public boolean reclaimCompletion(String runId, Instant staleBefore, Instant now) {
        return runs.findOneAndUpdate(
                and(eq("_id", runId), eq("state", RunState.COMPLETING.name()), lt("completingAt", date(staleBefore))),
                set("completingAt", date(now))) != null;
    }

    @Override
    public void renewCompletion(String runId, Instant now) {
        runs.updateOne(and(eq("_id", runId), eq("state", RunState.COMPLETING.name())), set("completingAt", date(now)));
    }

    @Override
    public Optional<ArchiveMark> archiveMark(String runId) {
        Document d = runs.find(eq("_id", runId)).projection(Projections.include("storyRevision", "archivedRevision"))
                .first();
        if (d == null) {
            return Optional.empty();
        }
        Number story = d.get("storyRevision", Number.class);
        Number archived = d.get("archivedRevision", Number.class);
        return Optional.of(new ArchiveMark(story == null ? 0L : story.longValue(),
                archived == null ? null : archived.longValue()));
    }

    @Override
    public void reviseStory(String runId) {
        runs.updateOne(eq("_id", runId), inc("storyRevision", 1L));
    }

    @Override
    public void markArchived(String runId, long storyRevision) {
        runs.updateOne(eq("_id", runId), set("archivedRevision", storyRevision));
    }

    @Override
    public void markCompleted(String runId, RunOutcome outcome, ViewCounts counts, String reportLocation,
            Instant completedAt) {
        runs.updateOne(eq("_id", runId),
                combine(set("state", RunState.COMPLETED.name()), set("outcome", outcome.name()),
                        set("counts", countsDoc(counts)), set("reportLocation", reportLocation),
                        set("completedAt", date(completedAt))));
    }

    @Override
    public List<String> idleRunningRuns(Instant idleBefore) {
        List<String> ids = new ArrayList<>();
        runs.find(and(eq("state", RunState.RUNNING.name()), lt("updatedAt", date(idleBefore))))
                .projection(Projections.include("updatedAt", "reconciledAt"))
                .forEach(d -> {
                    Date updated = d.getDate("updatedAt");
                    Date reconciled = d.getDate("reconciledAt");
                    if (reconciled == null || reconciled.before(updated)) {
                        ids.add(d.getString("_id"));
                    }
                });
        return ids;
    }

    @Override
    public int recountTerminal(String runId, Instant now) {
        int count = countTerminal(runId);
        runs.updateOne(eq("_id", runId), combine(set("terminal", count), set("reconciledAt", date(now))));
        return count;
    }

    @Override
    public List<String> staleCompletingRuns(Instant staleBefore) {
        return runs.find(and(eq("state", RunState.COMPLETING.name()), lt("completingAt", date(staleBefore))))
                .projection(Projections.include("_id")).map(d -> d.getString("_id")).into(new ArrayList<>());
    }

    static String targetKey(String runId, String targetId) {
        return runId + "|" + targetId;
    }

    // --- mapping -------------------------------------------------------------------------------------

    private static RunView runView(Document d) {
        return new RunView(d.getString("_id"), RunState.valueOf(d.getString("state")), context(d.getString("context")),
                bool(d, "requested"), bool(d, "scanCompleted"), intOf(d, "expectedTargets"), bool(d, "rejected"),
                d.getString("reason"), d.getInteger("terminal", 0),
                d.getString("outcome") == null ? null : RunOutcome.valueOf(d.getString("outcome")),
                counts(d.get("counts", Document.class)), instant(d.getDate("createdAt")),
                instant(d.getDate("completedAt")), d.getString("reportLocation"),
                rollout(d.get("rollout", Document.class)),
                d.getList("zoneErrors", Document.class, List.of()).stream().map(MongoViewStore::zoneError).toList(),
                instant(d.getDate("scanEndedAt")));
    }

    private static Document zoneErrorDoc(ZoneError e) {
        return new Document("landingZone", e.landingZone()).append("accountId", e.accountId())
                .append("region", e.region()).append("reason", e.reason());
    }

    private static ZoneError zoneError(Document d) {
        return new ZoneError(d.getString("landingZone"), d.getString("accountId"), d.getString("region"),
                d.getString("reason"));
    }

    private static RolloutView rollout(Document r) {
        if (r == null) {
            return null;
        }
        List<RolloutView.Entry> history = new ArrayList<>();
        for (Document e : r.getList("history", Document.class, List.of())) {
            history.add(new RolloutView.Entry(e.getString("eventId"), e.getString("type"), e.getString("what"),
                    e.getString("actor"), e.getString("reason"), instant(e.getDate("at"))));
        }
        List<RolloutView.ClusterPhase> clusters = new ArrayList<>();
        for (Document c : r.getList("clusters", Document.class, List.of())) {
            clusters.add(readJson(c.getString("json"), RolloutView.ClusterPhase.class));
        }
        return new RolloutView(bool(r, "halted"), r.getString("haltCause"), r.getString("haltReason"),
                bool(r, "cancelled"), r.getString("gate"), r.getString("gateState"), history, clusters);
    }

    private static Document countsDoc(ViewCounts c) {
        return new Document("scanned", c.scanned()).append("backedUp", c.backedUp())
                .append("backupSkipped", c.backupSkipped()).append("backupFailed", c.backupFailed())
                .append("applied", c.applied()).append("alreadyApplied", c.alreadyApplied())
                .append("dryRun", c.dryRun()).append("patchSkipped", c.patchSkipped())
                .append("patchFailed", c.patchFailed()).append("validationPassed", c.validationPassed())
                .append("validationSkipped", c.validationSkipped()).append("validationFailed", c.validationFailed())
                .append("terminal", c.terminal()).append("succeeded", c.succeeded()).append("failed", c.failed());
    }

    private static ViewCounts counts(Document d) {
        return d == null
                ? null
                : new ViewCounts(d.getInteger("scanned", 0), d.getInteger("backedUp", 0),
                        d.getInteger("backupSkipped", 0), d.getInteger("backupFailed", 0), d.getInteger("applied", 0),
                        d.getInteger("alreadyApplied", 0), d.getInteger("dryRun", 0), d.getInteger("patchSkipped", 0),
                        d.getInteger("patchFailed", 0), d.getInteger("validationPassed", 0),
                        d.getInteger("validationSkipped", 0), d.getInteger("validationFailed", 0),
                        d.getInteger("terminal", 0), d.getInteger("succeeded", 0), d.getInteger("failed", 0));
    }

    private static String json(RunContext context) {
        try {
            return EventJson.mapper().writeValueAsString(context);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the run context", e);
        }
    }

    private static String writeJson(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T readJson(String json, Class<T> type) {
        try {
            return EventJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable", e);
        }
    }

    private static RunContext context(String json) {
        try {
            return json == null ? null : EventJson.mapper().readValue(json, RunContext.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored run context is not readable", e);
        }
    }

    private static Integer intOf(Document d, String key) {
        return d.get(key) instanceof Number n ? n.intValue() : null;
    }

    private static boolean bool(Document d, String key) {
        return Boolean.TRUE.equals(d.getBoolean(key));
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
