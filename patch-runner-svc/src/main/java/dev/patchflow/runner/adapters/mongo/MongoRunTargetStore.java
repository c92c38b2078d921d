package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;

import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * {@code run_targets}: {@code {_id: runId/targetId, runId, targetId, state, run (JSON), target (JSON),
 * maxConcurrency, leaseSeconds, readyAt, notBefore, owner, leaseUntil, outcomeType, outcome (JSON), emitted,
 * doneAt, emittedAt}}. Every transition is one conditional single-document update.
 */
@ApplicationScoped
public class MongoRunTargetStore implements RunTargetStore {

    private final MongoCollection<Document> targets;
    private final RunnerSettings settings;

    public MongoRunTargetStore(RunnerDatabase database, RunnerSettings settings) {
        this.targets = database.collection(RunnerDatabase.RUN_TARGETS);
        this.settings = settings;
    }

    @Override
    public RunTarget insertIfAbsent(RunTarget record) {
        Document doc = new Document("_id", record.id())
                .append("runId", record.runId())
                .append("targetId", record.targetId())
                .append("state", record.state().name())
                .append("run", Json.write(record.run()))
                .append("target", Json.write(record.target()))
                .append("maxConcurrency", record.maxConcurrency())
                .append("leaseSeconds", settings.leaseFor(record.run().patch()).toSeconds())
                .append("readyAt", date(record.readyAt()))
                .append("notBefore", date(record.notBefore()))
                .append("emitted", record.emitted());
        if (record.outcome() != null) {
            doc.append("outcomeType", EventType.of(record.outcome().getClass()).simpleName())
                    .append("outcome", Json.write(record.outcome()))
                    .append("doneAt", date(record.doneAt()));
        }
        try {
            targets.insertOne(doc);
            return record;
        } catch (MongoException e) {
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            Document existing = targets.find(eq("_id", record.id())).first();
            if (existing == null) {
                throw new IllegalStateException("duplicate key on " + record.id() + " but no document", e);
            }
            return toRunTarget(existing);
        }
    }

    @Override
    public Optional<RunTarget> claim(String id, String owner, Instant leaseUntil) {
        Document claimed = targets.findOneAndUpdate(and(eq("_id", id), eq("state", TargetState.READY.name())),
                combine(set("state", TargetState.RUNNING.name()), set("owner", owner),
                        set("leaseUntil", date(leaseUntil)), set("startedAt", new Date())),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        return Optional.ofNullable(claimed).map(MongoRunTargetStore::toRunTarget);
    }

    @Override
    public void complete(String id, PatchflowEvent outcome, Instant now) {
        targets.updateOne(eq("_id", id),
                combine(set("state", TargetState.DONE.name()),
                        set("outcomeType", EventType.of(outcome.getClass()).simpleName()),
                        set("outcome", Json.write(outcome)), set("emitted", false), set("doneAt", date(now)),
                        unset("leaseUntil")));
    }

    @Override
    public void markEmitted(String id, Instant now) {
        targets.updateOne(eq("_id", id), combine(set("emitted", true), set("emittedAt", date(now))));
    }

    @Override
    public void retryLater(String id, String owner, Instant notBefore) {
        targets.updateOne(and(eq("_id", id), eq("state", TargetState.RUNNING.name()), eq("owner", owner)),
                combine(set("state", TargetState.READY.name()), set("notBefore", date(notBefore)), unset("owner"),
                        unset("leaseUntil")));
    }

    @Override
    public List<ReadyTarget> findReady(Instant now, int limit) {
        List<ReadyTarget> ready = new ArrayList<>();
        targets.find(and(eq("state", TargetState.READY.name()), lte("notBefore", date(now))))
                .projection(Projections.include("runId", "maxConcurrency", "leaseSeconds"))
                .sort(Sorts.ascending("readyAt"))
                .limit(limit)
                .forEach(d -> ready.add(new ReadyTarget(d.getString("_id"), d.getString("runId"),
                        d.getString("maxConcurrency"), leaseSeconds(d))));
        return ready;
    }

    @Override
    public long releaseExpired(Instant now) {
        return targets.updateMany(and(eq("state", TargetState.RUNNING.name()), lt("leaseUntil", date(now))),
                combine(set("state", TargetState.READY.name()), set("notBefore", date(now)), unset("owner"),
                        unset("leaseUntil")))
                .getModifiedCount();
    }

    @Override
    public List<RunTarget> findUnemitted(Instant before, int limit) {
        List<RunTarget> unemitted = new ArrayList<>();
        targets.find(and(eq("state", TargetState.DONE.name()), eq("emitted", false), lt("doneAt", date(before))))
                .limit(limit)
                .forEach(d -> unemitted.add(toRunTarget(d)));
        return unemitted;
    }

    @Override
    public List<RunTarget> findByRun(String runId) {
        List<RunTarget> all = new ArrayList<>();
        targets.find(eq("runId", runId)).sort(Sorts.ascending("targetId")).forEach(d -> all.add(toRunTarget(d)));
        return all;
    }

    @Override
    public List<RunTarget> findRunning(int limit) {
        List<RunTarget> all = new ArrayList<>();
        targets.find(eq("state", TargetState.RUNNING.name())).limit(limit).forEach(d -> all.add(toRunTarget(d)));
        return all;
    }

    @Override
    public Optional<RunTarget> find(String id) {
        return Optional.ofNullable(targets.find(eq("_id", id)).first()).map(MongoRunTargetStore::toRunTarget);
    }

    @Override
    public boolean endUnstarted(String id, PatchflowEvent outcome, Instant now) {
        return targets.updateOne(and(eq("_id", id), eq("state", TargetState.READY.name())),
                combine(set("state", TargetState.DONE.name()),
                        set("outcomeType", EventType.of(outcome.getClass()).simpleName()),
                        set("outcome", Json.write(outcome)), set("emitted", false), set("doneAt", date(now))))
                .getModifiedCount() == 1;
    }

    private long leaseSeconds(Document d) {
        Number seconds = d.get("leaseSeconds", Number.class);
        return seconds == null ? settings.leaseFor(null).toSeconds() : seconds.longValue();
    }

    static RunTarget toRunTarget(Document d) {
        PatchflowEvent outcome = null;
        String outcomeType = d.getString("outcomeType");
        if (outcomeType != null) {
            EventType type = EventType.fromCeType(EventType.TYPE_PREFIX + outcomeType)
                    .orElseThrow(() -> new IllegalStateException("unknown stored outcome type " + outcomeType));
            outcome = Json.read(d.getString("outcome"), type.javaType());
        }
        return new RunTarget(d.getString("_id"), d.getString("runId"), d.getString("targetId"),
                TargetState.valueOf(d.getString("state")), Json.read(d.getString("run"), RunContext.class),
                Json.read(d.getString("target"), Target.class), outcome, Boolean.TRUE.equals(d.getBoolean("emitted")),
                d.getString("owner"), instant(d.getDate("leaseUntil")), instant(d.getDate("readyAt")),
                instant(d.getDate("notBefore")), instant(d.getDate("doneAt")));
    }

    static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
