package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.pull;
import static com.mongodb.client.model.Updates.push;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.date;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.cluster.ClusterRollout;
import dev.patchflow.runner.domain.cluster.ClusterRolloutStore;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;

/**
 * {@code cluster_rollouts} ({@code _id = runId/clusterId}: {@code phase}, {@code run}, {@code kind},
 * {@code refusal}, {@code worker}, {@code workUntil}, {@code since}, {@code outbox} [{@code f}: fact id,
 * {@code e}: event JSON], {@code results} [event JSON]), {@code cluster_backups} ({@code _id = runId/targetId}:
 * {@code runId}, {@code clusterId}, {@code method}, {@code location}, {@code takenAt}) and {@code cluster_nodes}
 * ({@code _id = runId/targetId}: {@code updatedAt}).
 */
@ApplicationScoped
public class MongoClusterRolloutStore implements ClusterRolloutStore {

    public static final String ROLLOUTS = "cluster_rollouts";
    public static final String BACKUPS = "cluster_backups";
    public static final String NODES = "cluster_nodes";

    private final MongoCollection<Document> rollouts;
    private final MongoCollection<Document> backups;
    private final MongoCollection<Document> nodes;

    public MongoClusterRolloutStore(RunnerDatabase database) {
        this.rollouts = database.collection(ROLLOUTS);
        this.backups = database.collection(BACKUPS);
        this.nodes = database.collection(NODES);
    }

    @Override
    public Optional<ClusterRollout> find(String id) {
        return Optional.ofNullable(rollouts.find(eq("_id", id)).first()).map(MongoClusterRolloutStore::toRollout);
    }

    @Override
    public ClusterRollout insertIfAbsent(ClusterRollout r) {
        Document doc = new Document("_id", r.id()).append("runId", r.runId()).append("clusterId", r.clusterId())
                .append("kind", r.kind()).append("phase", r.phase().name()).append("run", Json.write(r.run()))
                .append("since", date(r.since())).append("outbox", List.of()).append("results", List.of());
        try {
            rollouts.insertOne(doc);
            return r;
        } catch (MongoException e) {
            if (!MongoErrors.isDuplicateKey(e)) {
                throw e;
            }
            return find(r.id()).orElseThrow(() -> e);
        }
    }

    @Override
    public boolean claimWork(String id, String worker, Instant now, Instant until) {
        return rollouts.updateOne(
                and(eq("_id", id), or(eq("worker", null), lte("workUntil", date(now)), eq("worker", worker))),
                combine(set("worker", worker), set("workUntil", date(until)))).getModifiedCount() == 1;
    }

    @Override
    public void releaseWork(String id, String worker) {
        rollouts.updateOne(and(eq("_id", id), eq("worker", worker)), combine(unset("worker"), unset("workUntil")));
    }

    @Override
    public boolean advance(String id, ClusterRollout.Phase from, ClusterRollout.Phase to, ClusterPhaseCompleted event,
            String refusal) {
        List<Bson> updates = new ArrayList<>(List.of(set("phase", to.name()), unset("worker"), unset("workUntil")));
        if (refusal != null) {
            updates.add(set("refusal", refusal));
        }
        if (event != null) {
            updates.add(push("outbox", outboxEntry(event)));
            updates.add(push("results", Json.write(event)));
        }
        return rollouts.updateOne(and(eq("_id", id), eq("phase", from.name())), combine(updates))
                .getModifiedCount() == 1;
    }

    @Override
    public boolean record(String id, ClusterRollout.Phase in, ClusterPhaseCompleted event) {
        return rollouts.updateOne(and(eq("_id", id), eq("phase", in.name())),
                combine(push("outbox", outboxEntry(event)), push("results", Json.write(event))))
                .getModifiedCount() == 1;
    }

    private static Document outboxEntry(ClusterPhaseCompleted event) {
        return new Document("f", event.factId()).append("e", Json.write(event));
    }

    @Override
    public List<ClusterRollout> active(int limit) {
        List<ClusterRollout> result = new ArrayList<>();
        for (Document d : rollouts.find(or(in("phase", ClusterRollout.Phase.GATE.name(),
                ClusterRollout.Phase.OPEN.name()), Filters.exists("outbox.f")))
                .limit(limit)) {
            result.add(toRollout(d));
        }
        return result;
    }

    @Override
    public void published(String id, String factId) {
        rollouts.updateOne(eq("_id", id), pull("outbox", new Document("f", factId)));
    }

    @Override
    public void recordBackup(String runId, String clusterId, String targetId, String method, String location,
            Instant takenAt) {
        backups.updateOne(eq("_id", runId + "/" + targetId),
                combine(set("runId", runId), set("clusterId", clusterId), set("targetId", targetId),
                        set("method", method), set("location", location), set("takenAt", date(takenAt))),
                new UpdateOptions().upsert(true));
    }

    @Override
    public List<BackupFact> backups(String runId, String clusterId) {
        List<BackupFact> result = new ArrayList<>();
        for (Document d : backups.find(and(eq("runId", runId), eq("clusterId", clusterId)))) {
            result.add(new BackupFact(d.getString("targetId"), d.getString("method"), d.getString("location"),
                    instant(d.getDate("takenAt"))));
        }
        return result;
    }

    @Override
    public boolean nodeUpdated(String runTargetId) {
        return nodes.find(eq("_id", runTargetId)).first() != null;
    }

    @Override
    public void markNodeUpdated(String runTargetId, Instant at) {
        nodes.updateOne(eq("_id", runTargetId), set("updatedAt", date(at)), new UpdateOptions().upsert(true));
    }

    private static ClusterRollout toRollout(Document d) {
        List<ClusterPhaseCompleted> outbox = new ArrayList<>();
        for (Document e : d.getList("outbox", Document.class, List.of())) {
            outbox.add(Json.read(e.getString("e"), ClusterPhaseCompleted.class));
        }
        List<ClusterPhaseCompleted> results = new ArrayList<>();
        for (String e : d.getList("results", String.class, List.of())) {
            results.add(Json.read(e, ClusterPhaseCompleted.class));
        }
        return new ClusterRollout(d.getString("_id"), d.getString("runId"), d.getString("clusterId"),
                d.getString("kind"), ClusterRollout.Phase.valueOf(d.getString("phase")),
                Json.readRun(d.getString("run")), d.getString("refusal"), d.getString("worker"),
                instant(d.getDate("workUntil")), instant(d.getDate("since")), outbox, results);
    }
}
