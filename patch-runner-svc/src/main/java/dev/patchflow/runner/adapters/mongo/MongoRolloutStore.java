package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Updates.addToSet;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.pull;
import static com.mongodb.client.model.Updates.push;
import static com.mongodb.client.model.Updates.pushEach;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;

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
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.rollout.RolloutState;
import dev.patchflow.runner.domain.rollout.RolloutStore;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * {@code rollouts}: one document per run, {@code {_id: runId, run (JSON), version, started[], inFlight[],
 * finished[], failed[], verified[], canary[], members[{t, c, r, z}], arrived[], halted, haltKind, haltReason,
 * haltCount, cancelled, cancelReason, controlCount, failureBaseline, gateState, gateUntil, outbox[{id, type,
 * attempt, body}], history[{type, body}]}}. Sets of target ids make every update idempotent; each method is
 * one single-document operation (no transactions on the wire server).
 */
@ApplicationScoped
public class MongoRolloutStore implements RolloutStore {

    private final MongoCollection<Document> rollouts;

    public MongoRolloutStore(RunnerDatabase database) {
        this.rollouts = database.collection(RunnerDatabase.ROLLOUTS);
    }

    @Override
    public void arrived(RunContext run, Target target, boolean finished, boolean failed) {
        List<Bson> updates = new ArrayList<>();
        updates.add(setOnInsert("run", Json.write(run)));
        updates.add(setOnInsert("version", 0L));
        updates.add(setOnInsert("halted", false));
        updates.add(setOnInsert("cancelled", false));
        updates.add(setOnInsert("createdAt", new Date()));
        updates.add(addToSet("arrived", target.id()));
        // Only what a decision looks at: cluster nodes, and landing zones when the run has a per-zone budget
        // (every extra entry is read again on every dispatch pass).
        RolloutPolicy.DomainErrorBudget budget = run.options().rollout().maxErrorsPerDomain();
        boolean zoneBudget = budget != null && RolloutPolicy.DomainErrorBudget.LANDING_ZONE.equals(budget.domain());
        if (target.clusterId() != null || (zoneBudget && target.landingZone() != null)) {
            Document node = new Document("t", target.id());
            if (target.clusterId() != null) {
                node.append("c", target.clusterId()).append("r", target.role());
            }
            if (target.landingZone() != null) {
                node.append("z", target.landingZone());
            }
            updates.add(addToSet("members", node));
        }
        if (finished) {
            updates.add(addToSet("finished", target.id()));
        }
        if (failed) {
            updates.add(addToSet("failed", target.id()));
        }
        try {
            rollouts.updateOne(eq("_id", run.runId()), combine(updates), new UpdateOptions().upsert(true));
        } catch (MongoException e) {
            // Two first arrivals raced on the upsert: the document exists now, apply again.
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            rollouts.updateOne(eq("_id", run.runId()), combine(updates));
        }
    }

    @Override
    public Optional<Loaded> load(String runId) {
        return Optional.ofNullable(rollouts.find(eq("_id", runId)).projection(Projections.exclude("outbox")).first())
                .map(MongoRolloutStore::toLoaded);
    }

    @Override
    public boolean tryStart(String runId, long expectedVersion, String targetId, boolean canaryMember) {
        List<Bson> updates = new ArrayList<>(List.of(inc("version", 1L), addToSet("started", targetId),
                addToSet("inFlight", targetId)));
        if (canaryMember) {
            updates.add(addToSet("canary", targetId));
        }
        return rollouts.updateOne(and(eq("_id", runId), eq("version", expectedVersion), eq("halted", false),
                eq("cancelled", false)), combine(updates)).getModifiedCount() == 1;
    }

    @Override
    public void finished(String runId, String targetId, boolean failed) {
        List<Bson> updates = new ArrayList<>(List.of(pull("inFlight", targetId), addToSet("finished", targetId)));
        if (failed) {
            updates.add(addToSet("failed", targetId));
        }
        rollouts.updateOne(eq("_id", runId), combine(updates));
    }

    @Override
    public void unstarted(String runId, String targetId) {
        // A version bump: an admission decided on the old in-flight set must look again.
        rollouts.updateOne(eq("_id", runId),
                combine(pull("inFlight", targetId), pull("started", targetId), inc("version", 1L)));
    }

    @Override
    public void validated(String runId, String targetId, boolean passed) {
        rollouts.updateOne(eq("_id", runId), passed ? addToSet("verified", targetId) : addToSet("failed", targetId));
    }

    @Override
    public boolean apply(String runId, long expectedVersion, Change change) {
        List<Bson> updates = new ArrayList<>();
        updates.add(inc("version", 1L));
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
    public List<PendingEvent> pendingEvents(int limit) {
        List<PendingEvent> pending = new ArrayList<>();
        rollouts.find(exists("outbox.0")).limit(limit).forEach(d -> {
            for (Document e : d.getList("outbox", Document.class, List.of())) {
                pending.add(new PendingEvent(d.getString("_id"), e.getString("id"), event(e), e.getInteger("attempt")));
            }
        });
        return pending;
    }

    @Override
    public void published(String runId, String eventId) {
        Document doc = rollouts.find(eq("_id", runId)).first();
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
        Map<String, RolloutState.Node> members = new HashMap<>();
        for (Document m : d.getList("members", Document.class, List.of())) {
            members.put(m.getString("t"), new RolloutState.Node(m.getString("c"), m.getString("r"), m.getString("z")));
        }
        Date gateUntil = d.getDate("gateUntil");
        String haltKind = d.getString("haltKind");
        RolloutState state = new RolloutState(number(d, "version"), ids(d, "started"), ids(d, "inFlight"),
                ids(d, "finished"), ids(d, "failed"), ids(d, "verified"), ids(d, "canary"), members,
                ids(d, "arrived").size(), Boolean.TRUE.equals(d.getBoolean("halted")),
                haltKind == null ? null : RolloutState.HaltKind.valueOf(haltKind), d.getString("haltReason"),
                Boolean.TRUE.equals(d.getBoolean("cancelled")), d.getString("cancelReason"),
                (int) number(d, "failureBaseline"), d.getString("gateState"),
                gateUntil == null ? null : gateUntil.toInstant(), (int) number(d, "haltCount"),
                (int) number(d, "controlCount"), Map.of());
        List<PatchflowEvent> history = new ArrayList<>();
        for (Document h : d.getList("history", Document.class, List.of())) {
            history.add(event(h));
        }
        return new Loaded(Json.read(d.getString("run"), RunContext.class), state, history);
    }

    private static long number(Document d, String field) {
        Number n = d.get(field, Number.class);
        return n == null ? 0 : n.longValue();
    }

    private static Set<String> ids(Document d, String field) {
        return new LinkedHashSet<>(d.getList(field, String.class, List.of()));
    }
}
