package dev.patchflow.runner.adapters.mongo;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;

/** The runner's own database ({@code quarkus.mongodb.database}, {@code runner}) and its collections. */
@ApplicationScoped
public class RunnerDatabase {

    public static final String LEDGER = "ledger";
    public static final String RUN_TARGETS = "run_targets";
    public static final String RUNS = "runs";
    public static final String LOCKS = "locks";
    public static final String ROLLOUTS = "rollouts";

    private final MongoDatabase database;

    public RunnerDatabase(MongoClient client, @ConfigProperty(name = "quarkus.mongodb.database") String name) {
        this.database = client.getDatabase(name);
    }

    public MongoCollection<Document> collection(String name) {
        return database.getCollection(name);
    }

    /** Secondary indexes for the dispatcher's and the API's queries; ids are unique by themselves. */
    public void ensureIndexes() {
        MongoCollection<Document> runTargets = collection(RUN_TARGETS);
        runTargets.createIndex(Indexes.ascending("state", "notBefore"));
        runTargets.createIndex(Indexes.ascending("runId"));
    }
}
