package dev.patchflow.runner.adapters.mongo;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;

/**
 * The runner's own database ({@code quarkus.mongodb.database}, {@code runner}) and its collections.
 * <p>
 * Cost model the collections are laid out for: a query or update whose filter is exactly {@code {_id: …}} (or
 * {@code {_id: {$in: […]}}}) is a key lookup everywhere; any other filter may be a scan of its collection (the
 * MongoDB-wire server used here has no secondary indexes, and even {@code {_id: x, state: y}} is a scan there).
 * So the collections that grow with every target ever seen ({@code run_targets}, {@code ledger}, {@code locks})
 * are only ever read and written by key, and every conditional update runs on a collection that holds only live
 * work: {@link #DISPATCH_QUEUE}, {@link #CLAIMS}, {@link #LEDGER_CLAIMS}, {@link #LOCK_LEASES} (bounded by
 * what is queued or executing now) and {@link #ROLLOUTS} (one small document per run).
 */
@ApplicationScoped
public class RunnerDatabase {

    public static final String LEDGER = "ledger";
    public static final String RUN_TARGETS = "run_targets";
    public static final String RUNS = "runs";
    public static final String LOCKS = "locks";
    public static final String ROLLOUTS = "rollouts";
    /** One document per run and cluster: its nodes and which of them finished. */
    public static final String ROLLOUT_CLUSTERS = "rollout_clusters";
    /** READY targets waiting for dispatch (an entry is removed by whoever claims the target). */
    public static final String DISPATCH_QUEUE = "dispatch_queue";
    /** Targets a worker holds (owner + lease), or whose outcome is recorded and not yet acknowledged by Kafka. */
    public static final String CLAIMS = "run_target_claims";
    /** Ledger entries being applied right now (owner + lease + fencing token). */
    public static final String LEDGER_CLAIMS = "ledger_claims";
    /** Cluster and target locks held right now (their token counter stays in {@link #LOCKS}). */
    public static final String LOCK_LEASES = "lock_leases";

    private final MongoDatabase database;

    public RunnerDatabase(MongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String name) {
        this.database = client.getDatabase(name);
    }

    public MongoCollection<Document> collection(String name) {
        return database.getCollection(name);
    }

    /**
     * Secondary indexes for the scans that remain (the API's list of a run's targets, the sweeps of the small
     * collections); keys are unique by themselves. On a real MongoDB they make those scans lookups.
     */
    public void ensureIndexes() {
        collection(RUN_TARGETS).createIndex(Indexes.ascending("runId"));
        collection(DISPATCH_QUEUE).createIndex(Indexes.ascending("notBefore"));
        collection(CLAIMS).createIndex(Indexes.ascending("leaseUntil"));
        collection(CLAIMS).createIndex(Indexes.ascending("owner"));
    }
}
