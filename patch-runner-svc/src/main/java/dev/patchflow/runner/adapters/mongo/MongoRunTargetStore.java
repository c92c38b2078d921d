package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.push;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;
import static com.mongodb.client.model.Updates.unset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Target;

/**
 * Three collections, so that no operation's cost grows with the number of targets ever seen:
 * <ul>
 * <li>{@code run_targets}: {@code {_id: runId/targetId, runId, targetId, state, run (JSON), target (JSON),
 * maxConcurrency, leaseSeconds, readyAt, notBefore, owner, leaseUntil, startedAt, slot, arrival, endNonce,
 * validations [{n, p}], outcomeType, outcome (JSON), emitted, doneAt, emittedAt, child}}: only read and written
 * by key.
 * <li>{@code dispatch_queue}: {@code {_id, runId, maxConcurrency, leaseSeconds, clusterId, role, landingZone,
 * notBefore, queuedAt}} per READY target: what the dispatcher finds without being told.
 * <li>{@code run_target_claims}: {@code {_id, runId, owner, leaseUntil, claimedAt, slot}} per claimed target:
 * the exclusive claim (inserted; an expired one taken over by a conditional update on this small collection),
 * held until the outcome is acknowledged, so the expired-lease and unacknowledged-outcome sweeps read only it.
 * </ul>
 * Order of writes keeps the invariants without transactions: a queue entry is written before its record becomes
 * READY, a claim before its record becomes RUNNING, and a claim is deleted only after its record is READY again
 * (queued) or DONE and emitted.
 */
@ApplicationScoped
public class MongoRunTargetStore implements RunTargetStore {

    private static final int CLAIM_ATTEMPTS = 3;

    private final MongoCollection<Document> targets;
    private final MongoCollection<Document> queue;
    private final MongoCollection<Document> claims;
    private final RunnerSettings settings;

    public MongoRunTargetStore(RunnerDatabase database, RunnerSettings settings) {
        this.targets = database.collection(RunnerDatabase.RUN_TARGETS);
        this.queue = database.collection(RunnerDatabase.DISPATCH_QUEUE);
        this.claims = database.collection(RunnerDatabase.CLAIMS);
        this.settings = settings;
    }

    @Override
    public List<Stored> insertAllIfAbsent(List<RunTarget> records, Map<String, String> arrivalNonces) {
        if (records.isEmpty()) {
            return List.of();
        }
        List<Document> entries = new ArrayList<>();
        List<Document> docs = new ArrayList<>();
        for (RunTarget record : records) {
            long leaseSeconds = settings.leaseFor(record.run().patch()).toSeconds();
            if (record.state() == TargetState.READY) {
                entries.add(queueEntry(ReadyTarget.of(record, leaseSeconds), record.readyAt()));
            }
            docs.add(toDocument(record, leaseSeconds, arrivalNonces.get(record.id())));
        }
        // The queue entry first: a crash between the two leaves an entry whose claim finds the record missing or
        // not READY (and drops the entry once it is older than the lease grace), never a READY record nobody would
        // find.
        insertIgnoringDuplicates(queue, entries);
        Set<Integer> duplicates = insertIgnoringDuplicates(targets, docs);
        Map<String, Document> existing = new HashMap<>();
        if (!duplicates.isEmpty()) {
            List<String> ids = duplicates.stream().map(i -> records.get(i).id()).toList();
            targets.find(in("_id", ids)).forEach(d -> existing.put(d.getString("_id"), d));
        }
        List<Stored> stored = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            RunTarget record = records.get(i);
            if (!duplicates.contains(i)) {
                stored.add(new Stored(record, true, arrivalNonces.get(record.id())));
                continue;
            }
            Document d = existing.get(record.id());
            if (d == null) {
                throw new IllegalStateException("duplicate key on " + record.id() + " but no document");
            }
            stored.add(new Stored(toRunTarget(d), false, d.getString("arrival")));
        }
        return stored;
    }

    /** Inserts unordered; returns the indexes that were duplicates (any other failure is thrown). */
    private static Set<Integer> insertIgnoringDuplicates(MongoCollection<Document> collection, List<Document> docs) {
        Set<Integer> duplicates = new HashSet<>();
        if (docs.isEmpty()) {
            return duplicates;
        }
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            for (var error : e.getWriteErrors()) {
                if (error.getCode() != 11000) {
                    throw e;
                }
                duplicates.add(error.getIndex());
            }
        }
        return duplicates;
    }

    @Override
    public Claim claim(String id, String owner, Instant now, Instant leaseUntil, long slot) {
        Claim held = takeClaim(id, owner, now, leaseUntil, slot);
        if (held != null) {
            return held;
        }
        // One round trip in the usual case: the record taken to RUNNING unless it is done, as it was before.
        Document d = targets.findOneAndUpdate(and(eq("_id", id), ne("state", TargetState.DONE.name())),
                combine(set("state", TargetState.RUNNING.name()), set("owner", owner),
                        set("leaseUntil", date(leaseUntil)), set("startedAt", date(now)), set("slot", slot)));
        if (d != null) {
            queue.deleteOne(eq("_id", id));
            RunTarget record = toRunTarget(d);
            return new Claimed(new RunTarget(record.id(), record.runId(), record.targetId(), TargetState.RUNNING,
                    record.run(), record.target(), record.outcome(), record.emitted(), owner, leaseUntil,
                    record.readyAt(), record.notBefore(), record.doneAt(), record.child()), record.state());
        }
        d = targets.find(eq("_id", id)).first();
        if (d == null) {
            releaseClaim(id, owner);
            // The intake writes the queue entry before the record, so a young entry without a record is an intake
            // between its two writes: dropping it would lose the target (the intake's own offer of it is ignored
            // while this copy executes). Only an entry older than the lease grace is the leftover of a crash.
            queue.deleteOne(and(eq("_id", id), or(lt("queuedAt", date(now.minus(settings.leaseGrace()))),
                    exists("queuedAt", false))));
            return new Settled(Optional.empty());
        }
        // Done (the update above left it as it was).
        RunTarget record = toRunTarget(d);
        queue.deleteOne(eq("_id", id));
        if (record.emitted()) {
            releaseClaim(id, owner);
        } else {
            // An outcome not yet acknowledged: the claim stays for the sweep to re-send it, due at once.
            claims.updateOne(eq("_id", id), set("leaseUntil", date(now)));
        }
        return new Settled(Optional.of(record));
    }

    /** Takes the claim document; {@code null} when taken, else the answer for the caller. */
    private Claim takeClaim(String id, String owner, Instant now, Instant leaseUntil, long slot) {
        for (int i = 0; i < CLAIM_ATTEMPTS; i++) {
            try {
                claims.insertOne(new Document("_id", id).append("runId", runIdOf(id)).append("owner", owner)
                        .append("leaseUntil", date(leaseUntil)).append("claimedAt", date(now)).append("slot", slot));
                return null;
            } catch (MongoException e) {
                if (!MongoErrors.isDuplicateKey(e)) {
                    throw e;
                }
            }
            Document current = claims.find(eq("_id", id)).first();
            if (current == null) {
                continue; // released in between: insert again
            }
            Instant until = instant(current.getDate("leaseUntil"));
            if (until != null && !until.isBefore(now)) {
                return new Held(current.getString("owner"), until);
            }
            // Expired: whoever replaces exactly the document read takes it over (a small collection: cheap).
            Document taken = claims.findOneAndUpdate(
                    and(eq("_id", id), eq("owner", current.getString("owner")), eq("leaseUntil", current.getDate(
                            "leaseUntil"))),
                    combine(set("owner", owner), set("leaseUntil", date(leaseUntil)), set("claimedAt", date(now)),
                            set("slot", slot)));
            if (taken != null) {
                return null;
            }
        }
        Document current = claims.find(eq("_id", id)).first();
        return new Held(current == null ? null : current.getString("owner"),
                current == null ? now : instant(current.getDate("leaseUntil")));
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
        claims.deleteOne(eq("_id", id));
    }

    @Override
    public void keepForResend(String id, String owner, Instant now) {
        claims.updateOne(eq("_id", id), combine(setOnInsert("runId", runIdOf(id)), setOnInsert("owner", owner),
                setOnInsert("claimedAt", date(now)), setOnInsert("slot", 0L), set("leaseUntil", date(now))),
                new UpdateOptions().upsert(true));
    }

    @Override
    public void retryLater(String id, String owner, Instant notBefore) {
        Document claim = claims.find(eq("_id", id)).first();
        if (claim == null || !owner.equals(claim.getString("owner"))) {
            return; // not this owner's any more: whoever holds it decides
        }
        requeue(id, notBefore);
        claims.deleteOne(and(eq("_id", id), eq("owner", owner)));
    }

    /** The record back to READY, queued first. */
    private Optional<ReadyTarget> requeue(String id, Instant notBefore) {
        Document d = targets.find(eq("_id", id)).first();
        if (d == null) {
            return Optional.empty();
        }
        RunTarget record = toRunTarget(d);
        ReadyTarget ready = ReadyTarget.of(record, leaseSeconds(d)).notBefore(notBefore);
        queue.replaceOne(eq("_id", id), queueEntry(ready, notBefore), new ReplaceOptions().upsert(true));
        targets.updateOne(eq("_id", id), combine(set("state", TargetState.READY.name()),
                set("notBefore", date(notBefore)), unset("owner"), unset("leaseUntil")));
        return Optional.of(ready);
    }

    @Override
    public List<ReadyTarget> findReady(Instant now, int limit) {
        List<ReadyTarget> ready = new ArrayList<>();
        queue.find(lte("notBefore", date(now))).limit(limit).forEach(d -> ready.add(toReadyTarget(d)));
        return ready;
    }

    @Override
    public List<ReadyTarget> releaseExpired(Instant now) {
        List<Document> expired = claims.find(lt("leaseUntil", date(now))).into(new ArrayList<>());
        if (expired.isEmpty()) {
            return List.of();
        }
        Map<String, Document> records = byId(targets, expired.stream().map(c -> c.getString("_id")).toList(),
                Projections.include("state", "emitted"));
        String sweeper = settings.instanceId() + "#sweep";
        List<ReadyTarget> released = new ArrayList<>();
        for (Document claim : expired) {
            String id = claim.getString("_id");
            Document record = records.get(id);
            if (record != null && TargetState.DONE.name().equals(record.getString("state"))
                    && !Boolean.TRUE.equals(record.getBoolean("emitted"))) {
                continue; // an outcome to re-send: findUnemitted's
            }
            // Take the expired claim over first (so that nobody claims the target while it is released), then
            // queue the record again, then let the claim go: a crash in between leaves a claim that expires again.
            Document taken = claims.findOneAndUpdate(
                    and(eq("_id", id), eq("owner", claim.getString("owner")),
                            eq("leaseUntil", claim.getDate("leaseUntil"))),
                    combine(set("owner", sweeper), set("leaseUntil", date(now.plusSeconds(60)))));
            if (taken == null) {
                continue;
            }
            if (record != null && !TargetState.DONE.name().equals(record.getString("state"))) {
                requeue(id, now).ifPresent(released::add);
            }
            claims.deleteOne(and(eq("_id", id), eq("owner", sweeper)));
        }
        return released;
    }

    @Override
    public List<RunTarget> findUnemitted(Instant before, int limit) {
        List<String> ids = new ArrayList<>();
        claims.find().projection(Projections.include("_id")).forEach(c -> ids.add(c.getString("_id")));
        List<RunTarget> unemitted = new ArrayList<>();
        for (Document d : byId(targets, ids, null).values()) {
            Date doneAt = d.getDate("doneAt");
            if (TargetState.DONE.name().equals(d.getString("state")) && !Boolean.TRUE.equals(d.getBoolean("emitted"))
                    && doneAt != null && doneAt.before(date(before))) {
                unemitted.add(toRunTarget(d));
                if (unemitted.size() >= limit) {
                    break;
                }
            }
        }
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
        List<String> ids = new ArrayList<>();
        claims.find().limit(limit).projection(Projections.include("_id")).forEach(c -> ids.add(c.getString("_id")));
        List<RunTarget> running = new ArrayList<>();
        for (Document d : byId(targets, ids, null).values()) {
            if (TargetState.RUNNING.name().equals(d.getString("state"))) {
                running.add(toRunTarget(d));
            }
        }
        return running;
    }

    @Override
    public Optional<RunTarget> find(String id) {
        return Optional.ofNullable(targets.find(eq("_id", id)).first()).map(MongoRunTargetStore::toRunTarget);
    }

    @Override
    public Map<String, Facts> facts(Collection<String> ids) {
        Map<String, Facts> facts = new LinkedHashMap<>();
        for (Document d : byId(targets, ids, Projections.exclude("run", "child")).values()) {
            List<Document> validations = d.getList("validations", Document.class, List.of());
            Number slot = d.get("slot", Number.class);
            facts.put(d.getString("_id"), new Facts(d.getString("_id"), TargetState.valueOf(d.getString("state")),
                    slot == null ? 0 : slot.longValue(), d.getString("arrival"), d.getString("endNonce"),
                    validations.isEmpty() ? null : validations.get(0).getString("n"), outcome(d),
                    Json.read(d.getString("target"), Target.class), instant(d.getDate("notBefore"))));
        }
        return facts;
    }

    @Override
    public boolean endClaimed(String id, PatchflowEvent outcome, Instant now, String endNonce) {
        return targets.updateOne(eq("_id", id),
                combine(set("state", TargetState.DONE.name()),
                        set("outcomeType", EventType.of(outcome.getClass()).simpleName()),
                        set("outcome", Json.write(outcome)), set("emitted", false), set("doneAt", date(now)),
                        set("endNonce", endNonce), unset("leaseUntil"), unset("owner")))
                .getMatchedCount() == 1;
    }

    @Override
    public void releaseClaim(String id, String owner) {
        claims.deleteOne(and(eq("_id", id), eq("owner", owner)));
    }

    @Override
    public Optional<String> recordValidation(String id, String nonce, boolean passed) {
        Document after = targets.findOneAndUpdate(eq("_id", id),
                push("validations", new Document("n", nonce).append("p", passed)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)
                        .projection(Projections.include("validations")));
        if (after == null) {
            return Optional.empty();
        }
        return Optional.of(after.getList("validations", Document.class).get(0).getString("n"));
    }

    /** Documents by key (an {@code $in} on {@code _id}: a lookup per key), in no particular order. */
    static Map<String, Document> byId(MongoCollection<Document> collection, Collection<String> ids, Bson projection) {
        Map<String, Document> found = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        var find = collection.find(in("_id", new ArrayList<>(ids)));
        if (projection != null) {
            find = find.projection(projection);
        }
        find.forEach(d -> found.put(d.getString("_id"), d));
        return found;
    }

    private Document toDocument(RunTarget record, long leaseSeconds, String arrivalNonce) {
        Document doc = new Document("_id", record.id())
                .append("runId", record.runId())
                .append("targetId", record.targetId())
                .append("state", record.state().name())
                .append("run", Json.write(record.run()))
                .append("target", Json.write(record.target()))
                .append("maxConcurrency", record.maxConcurrency())
                .append("leaseSeconds", leaseSeconds)
                .append("readyAt", date(record.readyAt()))
                .append("notBefore", date(record.notBefore()))
                .append("emitted", record.emitted())
                .append("arrival", arrivalNonce);
        if (record.outcome() != null) {
            doc.append("outcomeType", EventType.of(record.outcome().getClass()).simpleName())
                    .append("outcome", Json.write(record.outcome()))
                    .append("doneAt", date(record.doneAt()));
        }
        return doc;
    }

    /** {@code queuedAt}: when the entry was written, which tells a record about to be written from a lost one. */
    private static Document queueEntry(ReadyTarget t, Instant queuedAt) {
        return new Document("_id", t.id()).append("queuedAt", date(queuedAt == null ? Instant.EPOCH : queuedAt))
                .append("runId", t.runId()).append("maxConcurrency", t.maxConcurrency())
                .append("leaseSeconds", t.leaseSeconds()).append("clusterId", t.clusterId()).append("role", t.role())
                .append("landingZone", t.landingZone())
                .append("notBefore", date(t.notBefore() == null ? Instant.EPOCH : t.notBefore()));
    }

    private ReadyTarget toReadyTarget(Document d) {
        return new ReadyTarget(d.getString("_id"), d.getString("runId"), d.getString("maxConcurrency"),
                leaseSeconds(d), d.getString("clusterId"), d.getString("role"), d.getString("landingZone"),
                instant(d.getDate("notBefore")));
    }

    private long leaseSeconds(Document d) {
        Number seconds = d.get("leaseSeconds", Number.class);
        return seconds == null ? settings.leaseFor(null).toSeconds() : seconds.longValue();
    }

    private static String runIdOf(String runTargetId) {
        int slash = runTargetId.indexOf('/');
        return slash < 0 ? runTargetId : runTargetId.substring(0, slash);
    }

    private static PatchflowEvent outcome(Document d) {
        String outcomeType = d.getString("outcomeType");
        if (outcomeType == null) {
            return null;
        }
        EventType type = EventType.fromCeType(EventType.TYPE_PREFIX + outcomeType)
                .orElseThrow(() -> new IllegalStateException("unknown stored outcome type " + outcomeType));
        return Json.read(d.getString("outcome"), type.javaType());
    }

    static RunTarget toRunTarget(Document d) {
        return new RunTarget(d.getString("_id"), d.getString("runId"), d.getString("targetId"),
                TargetState.valueOf(d.getString("state")), Json.readRun(d.getString("run")),
                Json.read(d.getString("target"), Target.class), outcome(d), Boolean.TRUE.equals(d.getBoolean(
                        "emitted")),
                d.getString("owner"), instant(d.getDate("leaseUntil")), instant(d.getDate("readyAt")),
                instant(d.getDate("notBefore")), instant(d.getDate("doneAt")), MongoAdoptionStore.childOf(d));
    }

    static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }

    static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
