package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.addEachToSet;
import static com.mongodb.client.model.Updates.addToSet;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.pull;
import static com.mongodb.client.model.Updates.push;
import static com.mongodb.client.model.Updates.pushEach;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;
import static com.mongodb.client.model.Updates.unset;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.rollout.ClusterState;
import dev.patchflow.runner.domain.rollout.RolloutState;
import dev.patchflow.runner.domain.rollout.RolloutStore;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;

/**
 * {@code rollouts}: one document per run, {@code {_id: runId, run (JSON), version, rev, arrived, started,
 * finished, failed, budgetFailures, verified, inFlight {<target>: a}, inFlightClusters {<target>: c},
 * inFlightCount, canary [], canaryVerified [], canaryFailed [], domainFailures {<domain>: n}, transit [{t, n, b,
 * k, i {counter: n}, d, c, cv, cf}], halted, haltKind, haltReason, haltCount, cancelled, cancelReason,
 * controlCount, failureBaseline, gateState, gateUntil, outbox [{id, type, attempt, body}], history [{type,
 * body}]}}; its size is bounded by the run's concurrency, canary size and the work in transit, never by the
 * number of its targets. Target ids and domain names are URL-encoded as field names ({@code .} and {@code $} are
 * not allowed there).
 * <p>
 * The targets in flight are a map from target id to admission token, not an array of entries: a finish, the
 * most frequent update of the document, then finds its entry by name and removes one field, where an array had
 * to be matched element by element, and the copy the wire server makes of the document on every update is one
 * flat map instead of an array of small documents (measured: the update's CPU and allocation dominated the
 * rollout benchmark).
 * <p>
 * {@code rollout_clusters}: {@code {_id: runId/clusterId, runId, clusterId, members [{t, r}], finished []}}.
 * <p>
 * Every method is one single-document operation (no transactions on the wire server); conditional updates filter
 * on this collection only, which holds one small document per run.
 */
@ApplicationScoped
public class MongoRolloutStore implements RolloutStore {

    /** What the scheduler reads on its hot path: no run context, no history, no outbox. */
    private static final Bson STATE_ONLY = Projections.exclude("run", "history", "outbox");
    private static final String IN_FLIGHT = "inFlight";
    private static final String IN_FLIGHT_CLUSTERS = "inFlightClusters";
    private static final String IN_FLIGHT_COUNT = "inFlightCount";

    private final MongoCollection<Document> rollouts;
    private final MongoCollection<Document> clusters;

    public MongoRolloutStore(RunnerDatabase database) {
        this.rollouts = database.collection(RunnerDatabase.ROLLOUTS);
        this.clusters = database.collection(RunnerDatabase.ROLLOUT_CLUSTERS);
    }

    @Override
    public RolloutState beginTransit(RunContext run, List<RolloutState.Transit> entries) {
        List<Bson> updates = new ArrayList<>(registration(run));
        updates.add(inc("rev", 1L));
        if (!entries.isEmpty()) {
            updates.add(pushEach("transit", entries.stream().map(MongoRolloutStore::transitEntry).toList()));
        }
        FindOneAndUpdateOptions options = new FindOneAndUpdateOptions().upsert(true)
                .returnDocument(ReturnDocument.AFTER).projection(STATE_ONLY);
        Document after;
        try {
            after = rollouts.findOneAndUpdate(eq("_id", run.runId()), combine(updates), options);
        } catch (MongoException e) {
            // Two first arrivals raced on the upsert: the document exists now, apply again.
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            after = rollouts.findOneAndUpdate(eq("_id", run.runId()), combine(updates), options);
        }
        return toState(after);
    }

    private static List<Bson> registration(RunContext run) {
        return List.of(setOnInsert("run", Json.write(run)), setOnInsert("version", 0L),
                setOnInsert("halted", false), setOnInsert("cancelled", false), setOnInsert("createdAt", new Date()));
    }

    @Override
    public Optional<RolloutState> addTransit(String runId, List<RolloutState.Transit> entries) {
        return Optional.ofNullable(rollouts.findOneAndUpdate(eq("_id", runId),
                combine(inc("rev", 1L),
                        pushEach("transit", entries.stream().map(MongoRolloutStore::transitEntry).toList())),
                after())).map(MongoRolloutStore::toState);
    }

    @Override
    public Optional<RolloutState> applyTransit(String runId, String batch, List<RolloutState.Transit> winners) {
        Document after = rollouts.findOneAndUpdate(and(eq("_id", runId), eq("transit.b", batch)),
                counting(batch, winners), after());
        if (after == null) {
            // Applied before (by the repair, or another attempt): nothing to count.
            after = rollouts.find(eq("_id", runId)).projection(STATE_ONLY).first();
        }
        return Optional.ofNullable(after).map(MongoRolloutStore::toState);
    }

    /** Removes the batch from transit and adds what its winners count. */
    private static Bson counting(String batch, List<RolloutState.Transit> entries) {
        Map<String, Integer> increments = new HashMap<>();
        Set<String> verified = new LinkedHashSet<>();
        Set<String> failed = new LinkedHashSet<>();
        for (RolloutState.Transit t : entries) {
            t.increments().forEach((field, n) -> increments.merge(field, n, Integer::sum));
            if (t.domain() != null && t.increments().getOrDefault(RolloutState.BUDGET_FAILURES, 0) > 0) {
                increments.merge(domainField(t.domain()), t.increments().get(RolloutState.BUDGET_FAILURES),
                        Integer::sum);
            }
            if (t.canaryVerified()) {
                verified.add(t.targetId());
            }
            if (t.canaryFailed()) {
                failed.add(t.targetId());
            }
        }
        List<Bson> updates = new ArrayList<>();
        updates.add(inc("rev", 1L));
        updates.add(pull("transit", new Document("b", batch)));
        increments.forEach((field, n) -> updates.add(inc(field, n)));
        if (!verified.isEmpty()) {
            updates.add(addEachToSet("canaryVerified", new ArrayList<>(verified)));
        }
        if (!failed.isEmpty()) {
            updates.add(addEachToSet("canaryFailed", new ArrayList<>(failed)));
        }
        return combine(updates);
    }

    @Override
    public void clusterFacts(String runId, List<ClusterFact> facts) {
        if (facts.isEmpty()) {
            return;
        }
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        for (ClusterFact f : facts) {
            List<Bson> updates = new ArrayList<>(List.of(setOnInsert("runId", runId),
                    setOnInsert("clusterId", f.clusterId()),
                    addToSet("members", new Document("t", f.targetId()).append("r", f.role()))));
            if (f.finished()) {
                updates.add(addToSet("finished", f.targetId()));
            }
            writes.add(new UpdateOneModel<>(eq("_id", clusterKey(runId, f.clusterId())), combine(updates),
                    new UpdateOptions().upsert(true)));
        }
        try {
            clusters.bulkWrite(writes, new BulkWriteOptions().ordered(true));
        } catch (MongoException e) {
            // Two first facts of one cluster raced on the upsert: the document exists now, apply again.
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            clusters.bulkWrite(writes, new BulkWriteOptions().ordered(true));
        }
    }

    @Override
    public ClusterState cluster(String runId, String clusterId) {
        Document d = clusters.find(eq("_id", clusterKey(runId, clusterId))).first();
        if (d == null) {
            return ClusterState.empty(clusterId);
        }
        Map<String, String> members = new HashMap<>();
        for (Document m : d.getList("members", Document.class, List.of())) {
            members.put(m.getString("t"), m.getString("r"));
        }
        return new ClusterState(clusterId, members, new LinkedHashSet<>(d.getList("finished", String.class,
                List.of())));
    }

    private static String clusterKey(String runId, String clusterId) {
        return runId + "/" + clusterId;
    }

    @Override
    public Optional<Loaded> load(String runId) {
        return Optional.ofNullable(rollouts.find(eq("_id", runId)).projection(Projections.exclude("outbox")).first())
                .map(MongoRolloutStore::toLoaded);
    }

    @Override
    public Optional<RolloutState> state(String runId) {
        return Optional.ofNullable(rollouts.find(eq("_id", runId)).projection(STATE_ONLY).first())
                .map(MongoRolloutStore::toState);
    }

    @Override
    public Optional<RolloutState> admit(String runId, long expectedVersion, int expectedFailed,
            List<Admission> admissions) {
        long token = expectedVersion + 1;
        List<String> canary = new ArrayList<>();
        List<Bson> updates = new ArrayList<>(List.of(set("version", token), inc("rev", 1L),
                inc(RolloutState.STARTED, admissions.size()), inc(IN_FLIGHT_COUNT, admissions.size())));
        for (Admission a : admissions) {
            String key = fieldName(a.targetId());
            updates.add(set(IN_FLIGHT + "." + key, token));
            if (a.clusterId() != null) {
                updates.add(set(IN_FLIGHT_CLUSTERS + "." + key, a.clusterId()));
            }
            if (a.canaryMember()) {
                canary.add(a.targetId());
            }
        }
        if (!canary.isEmpty()) {
            updates.add(addEachToSet("canary", canary));
        }
        Bson unchanged = and(eq("_id", runId), eq("version", expectedVersion), eq("halted", false),
                eq("cancelled", false), expectedFailed == 0
                        ? or(eq(RolloutState.FAILED, 0), exists(RolloutState.FAILED, false))
                        : eq(RolloutState.FAILED, expectedFailed));
        return Optional.ofNullable(rollouts.findOneAndUpdate(unchanged, combine(updates), after()))
                .map(MongoRolloutStore::toState);
    }

    @Override
    public Optional<RolloutState> finish(String runId, RolloutState.InFlight entry, Map<String, Integer> increments,
            String domain, boolean canaryFailed) {
        String key = fieldName(entry.targetId());
        List<Bson> updates = new ArrayList<>(List.of(inc("rev", 1L)));
        updates.addAll(leaving(key));
        increments.forEach((field, n) -> updates.add(inc(field, n)));
        if (domain != null && increments.getOrDefault(RolloutState.BUDGET_FAILURES, 0) > 0) {
            updates.add(inc(domainField(domain), increments.get(RolloutState.BUDGET_FAILURES)));
        }
        if (canaryFailed) {
            updates.add(addToSet("canaryFailed", entry.targetId()));
        }
        return Optional.ofNullable(rollouts.findOneAndUpdate(inFlight(runId, key, entry.token()), combine(updates),
                after()))
                .map(MongoRolloutStore::toState);
    }

    @Override
    public Optional<RolloutState> unstart(String runId, RolloutState.InFlight entry, boolean leaveCanary) {
        List<Bson> updates = new ArrayList<>(List.of(inc("rev", 1L), inc("version", 1L),
                inc(RolloutState.STARTED, -1)));
        String key = fieldName(entry.targetId());
        updates.addAll(leaving(key));
        if (leaveCanary) {
            updates.add(pull("canary", entry.targetId()));
        }
        return Optional.ofNullable(rollouts.findOneAndUpdate(inFlight(runId, key, entry.token()), combine(updates),
                after()))
                .map(MongoRolloutStore::toState);
    }

    /** The run's document while the target named {@code key} is in flight under admission {@code token}. */
    private static Bson inFlight(String runId, String key, long token) {
        return and(eq("_id", runId), eq(IN_FLIGHT + "." + key, token));
    }

    /** The updates that take the target named {@code key} out of flight. */
    private static List<Bson> leaving(String key) {
        return List.of(unset(IN_FLIGHT + "." + key), unset(IN_FLIGHT_CLUSTERS + "." + key), inc(IN_FLIGHT_COUNT, -1));
    }

    @Override
    public boolean apply(String runId, long expectedVersion, Change change) {
        List<Bson> updates = new ArrayList<>();
        updates.add(inc("version", 1L));
        updates.add(inc("rev", 1L));
        if (change.halted() != null) {
            updates.add(set("halted", change.halted()));
            updates.add(set("haltKind", change.haltKind() == null ? null : change.haltKind().name()));
            updates.add(set("haltReason", change.haltReason()));
        }
        if (change.cancelled() != null) {
            updates.add(set("cancelled", change.cancelled()));
            updates.add(set("cancelReason", change.cancelReason()));
        }
        if (change.gateState() != null) {
            updates.add(set("gateState", change.gateState()));
            updates.add(set("gateUntil", change.gateUntil() == null ? null : Date.from(change.gateUntil())));
        }
        if (change.failureBaseline() != null) {
            updates.add(set("failureBaseline", change.failureBaseline()));
        }
        if (change.countHalt()) {
            updates.add(inc("haltCount", 1));
        }
        if (change.countControl()) {
            updates.add(inc("controlCount", 1));
        }
        if (!change.events().isEmpty()) {
            updates.add(pushEach("outbox", change.events().stream().map(MongoRolloutStore::outboxEntry).toList()));
        }
        return rollouts.updateOne(and(eq("_id", runId), eq("version", expectedVersion)), combine(updates))
                .getModifiedCount() == 1;
    }

    @Override
    public boolean adopt(RunContext run, int arrived, int finished, int failed, int budgetFailures) {
        Document doc = new Document("_id", run.runId()).append("run", Json.write(run)).append("version", 0L)
                .append("rev", 0L).append("halted", false).append("cancelled", false)
                .append("createdAt", new Date()).append(RolloutState.ARRIVED, arrived)
                .append(RolloutState.FINISHED, finished).append(RolloutState.FAILED, failed)
                .append(RolloutState.BUDGET_FAILURES, budgetFailures);
        try {
            rollouts.insertOne(doc);
            return true;
        } catch (MongoException e) {
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            return false;
        }
    }

    /**
     * Converts the documents runners from before this layout left, once, at start (a scan of one small document
     * per run): sets of every target id and a member map become counters and bounded sets, their in-flight
     * targets with admission token 0, which is what their records say (they were claimed before records named a
     * token); an array of in-flight entries becomes the map of tokens.
     *
     * @return the number of runs converted
     */
    public int migrateLegacy() {
        int migrated = 0;
        for (Document d : rollouts.find(exists("members")).into(new ArrayList<>())) {
            if (!(d.get(RolloutState.STARTED) instanceof List) && !(d.get(RolloutState.ARRIVED) instanceof List)) {
                continue;
            }
            Map<String, Document> members = new HashMap<>();
            for (Document m : d.getList("members", Document.class, List.of())) {
                members.put(m.getString("t"), m);
            }
            Set<String> canary = ids(d, "canary");
            Set<String> failed = ids(d, RolloutState.FAILED);
            Set<String> verified = ids(d, RolloutState.VERIFIED);
            RunContext run = Json.readRun(d.getString("run"));
            String domainKind = run.options().rollout() == null || run.options().rollout().maxErrorsPerDomain() == null
                    ? null
                    : run.options().rollout().maxErrorsPerDomain().domain();
            Document domains = new Document();
            for (String t : failed) {
                Document m = members.get(t);
                String domain = m == null || domainKind == null
                        ? null
                        : "cluster".equals(domainKind) ? m.getString("c") : m.getString("z");
                if (domain != null) {
                    String key = domainField(domain).substring("domainFailures.".length());
                    domains.put(key, domains.getInteger(key, 0) + 1);
                }
            }
            List<RolloutState.InFlight> inFlight = new ArrayList<>();
            for (String t : ids(d, IN_FLIGHT)) {
                Document m = members.get(t);
                inFlight.add(new RolloutState.InFlight(t, 0, m == null ? null : m.getString("c")));
            }
            Document converted = new Document(d);
            converted.remove("members");
            converted.put(RolloutState.ARRIVED, ids(d, RolloutState.ARRIVED).size());
            converted.put(RolloutState.STARTED, ids(d, RolloutState.STARTED).size());
            converted.put(RolloutState.FINISHED, ids(d, RolloutState.FINISHED).size());
            converted.put(RolloutState.FAILED, failed.size());
            converted.put(RolloutState.BUDGET_FAILURES, failed.size());
            converted.put(RolloutState.VERIFIED, verified.size());
            putInFlight(converted, inFlight);
            converted.put("canaryVerified", verified.stream().filter(canary::contains).toList());
            converted.put("canaryFailed", failed.stream().filter(canary::contains).toList());
            converted.put("domainFailures", domains);
            converted.put("rev", 1L);
            // Each cluster's nodes, and which of them finished, into rollout_clusters (idempotent).
            Set<String> finished = ids(d, RolloutState.FINISHED);
            List<ClusterFact> facts = new ArrayList<>();
            members.forEach((t, m) -> {
                if (m.getString("c") != null) {
                    facts.add(new ClusterFact(m.getString("c"), t, m.getString("r"), finished.contains(t)));
                }
            });
            clusterFacts(d.getString("_id"), facts);
            if (rollouts.replaceOne(and(eq("_id", d.getString("_id")), eq("version", d.get("version"))), converted)
                    .getModifiedCount() == 1) {
                migrated++;
            }
        }
        Bson inFlightArray = and(exists(IN_FLIGHT), exists(IN_FLIGHT_COUNT, false), exists("members", false));
        for (Document d : rollouts.find(inFlightArray).into(new ArrayList<>())) {
            if (!(d.get(IN_FLIGHT) instanceof List)) {
                continue;
            }
            Document converted = new Document(d);
            putInFlight(converted, inFlightEntries(d));
            // Unless a runner of the former version changed it in between (every update bumps rev).
            if (rollouts.replaceOne(and(eq("_id", d.getString("_id")), eq("rev", d.get("rev"))), converted)
                    .getModifiedCount() == 1) {
                migrated++;
            }
        }
        return migrated;
    }

    @Override
    public List<String> runsInProgress(int limit) {
        List<String> runs = new ArrayList<>();
        rollouts.find(or(gt(IN_FLIGHT_COUNT, 0), exists("transit.0"))).projection(Projections.include("_id"))
                .limit(limit).forEach(d -> runs.add(d.getString("_id")));
        return runs;
    }

    @Override
    public List<PendingEvent> pendingEvents(int limit) {
        List<PendingEvent> pending = new ArrayList<>();
        rollouts.find(exists("outbox.0")).projection(Projections.include("outbox")).limit(limit).forEach(d -> {
            for (Document e : d.getList("outbox", Document.class, List.of())) {
                pending.add(new PendingEvent(d.getString("_id"), e.getString("id"), event(e), e.getInteger("attempt")));
            }
        });
        return pending;
    }

    @Override
    public void published(String runId, String eventId) {
        Document doc = rollouts.find(eq("_id", runId)).projection(Projections.include("outbox")).first();
        if (doc == null) {
            return;
        }
        for (Document e : doc.getList("outbox", Document.class, List.of())) {
            if (eventId.equals(e.getString("id"))) {
                rollouts.updateOne(eq("_id", runId), combine(pull("outbox", new Document("id", eventId)),
                        push("history",
                                new Document("type", e.getString("type")).append("body", e.getString("body")))));
                return;
            }
        }
    }

    private static FindOneAndUpdateOptions after() {
        return new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER).projection(STATE_ONLY);
    }

    private static Document transitEntry(RolloutState.Transit t) {
        Document increments = new Document();
        t.increments().forEach(increments::append);
        Document entry = new Document("t", t.targetId()).append("n", t.nonce()).append("b", t.batch())
                .append("k", t.kind().name()).append("i", increments);
        if (t.domain() != null) {
            entry.append("d", t.domain());
        }
        if (t.clusterId() != null) {
            entry.append("c", t.clusterId());
        }
        if (t.canaryVerified()) {
            entry.append("cv", true);
        }
        if (t.canaryFailed()) {
            entry.append("cf", true);
        }
        return entry;
    }

    private static RolloutState.Transit toTransit(Document e) {
        Map<String, Integer> increments = new HashMap<>();
        Document i = e.get("i", Document.class);
        if (i != null) {
            i.forEach((k, v) -> increments.put(k, ((Number) v).intValue()));
        }
        return new RolloutState.Transit(e.getString("t"), e.getString("n"), e.getString("b"),
                RolloutState.TransitKind.valueOf(e.getString("k")), increments, e.getString("d"), e.getString("c"),
                Boolean.TRUE.equals(e.getBoolean("cv")), Boolean.TRUE.equals(e.getBoolean("cf")));
    }

    private static String domainField(String domain) {
        return "domainFailures." + fieldName(domain);
    }

    /** {@code name} as a field name: {@code .} and {@code $} are not allowed there. */
    private static String fieldName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace(".", "%2E");
    }

    private static Document outboxEntry(PendingEvent p) {
        return new Document("id", p.id()).append("type", EventType.of(p.event().getClass()).simpleName())
                .append("attempt", p.attempt()).append("body", Json.write(p.event()));
    }

    private static PatchflowEvent event(Document e) {
        EventType type = EventType.fromCeType(EventType.TYPE_PREFIX + e.getString("type"))
                .orElseThrow(() -> new IllegalStateException("unknown stored event type " + e.getString("type")));
        return Json.read(e.getString("body"), type.javaType());
    }

    static Loaded toLoaded(Document d) {
        List<PatchflowEvent> history = new ArrayList<>();
        for (Document h : d.getList("history", Document.class, List.of())) {
            history.add(event(h));
        }
        return new Loaded(Json.readRun(d.getString("run")), toState(d), history);
    }

    static RolloutState toState(Document d) {
        List<RolloutState.InFlight> inFlight = inFlightEntries(d);
        Map<String, Integer> domains = new HashMap<>();
        Document df = d.get("domainFailures", Document.class);
        if (df != null) {
            df.forEach((k, v) -> domains.put(URLDecoder.decode(k, StandardCharsets.UTF_8), ((Number) v).intValue()));
        }
        List<RolloutState.Transit> transit = new ArrayList<>();
        for (Document e : d.getList("transit", Document.class, List.of())) {
            transit.add(toTransit(e));
        }
        Date gateUntil = d.getDate("gateUntil");
        String haltKind = d.getString("haltKind");
        return new RolloutState(number(d, "version"), number(d, "rev"), (int) number(d, RolloutState.ARRIVED),
                (int) number(d, RolloutState.STARTED), (int) number(d, RolloutState.FINISHED),
                (int) number(d, RolloutState.FAILED), (int) number(d, RolloutState.BUDGET_FAILURES),
                (int) number(d, RolloutState.VERIFIED), inFlight, ids(d, "canary"), ids(d, "canaryVerified"),
                ids(d, "canaryFailed"), domains, Boolean.TRUE.equals(d.getBoolean("halted")),
                haltKind == null ? null : RolloutState.HaltKind.valueOf(haltKind), d.getString("haltReason"),
                Boolean.TRUE.equals(d.getBoolean("cancelled")), d.getString("cancelReason"),
                (int) number(d, "failureBaseline"), d.getString("gateState"),
                gateUntil == null ? null : gateUntil.toInstant(), (int) number(d, "haltCount"),
                (int) number(d, "controlCount"), transit);
    }

    private static void putInFlight(Document d, List<RolloutState.InFlight> entries) {
        Document tokens = new Document();
        Document clusters = new Document();
        for (RolloutState.InFlight f : entries) {
            tokens.put(fieldName(f.targetId()), f.token());
            if (f.clusterId() != null) {
                clusters.put(fieldName(f.targetId()), f.clusterId());
            }
        }
        d.put(IN_FLIGHT, tokens);
        d.put(IN_FLIGHT_CLUSTERS, clusters);
        d.put(IN_FLIGHT_COUNT, entries.size());
    }

    /** The targets in flight: the map of tokens (and of clusters), or the array of a document not converted yet. */
    private static List<RolloutState.InFlight> inFlightEntries(Document d) {
        List<RolloutState.InFlight> inFlight = new ArrayList<>();
        Object stored = d.get(IN_FLIGHT);
        if (stored instanceof Document tokens) {
            Document clusters = d.get(IN_FLIGHT_CLUSTERS, new Document());
            tokens.forEach((key, token) -> inFlight.add(new RolloutState.InFlight(
                    URLDecoder.decode(key, StandardCharsets.UTF_8), ((Number) token).longValue(),
                    clusters.getString(key))));
        } else if (stored instanceof List<?> entries) {
            for (Object e : entries) {
                Document f = (Document) e;
                Number token = f.get("a", Number.class);
                inFlight.add(new RolloutState.InFlight(f.getString("t"), token == null ? 0 : token.longValue(),
                        f.getString("c")));
            }
        }
        return inFlight;
    }

    private static long number(Document d, String field) {
        Number n = d.get(field, Number.class);
        return n == null ? 0 : n.longValue();
    }

    private static Set<String> ids(Document d, String field) {
        return new LinkedHashSet<>(d.getList(field, String.class, List.of()));
    }
}
