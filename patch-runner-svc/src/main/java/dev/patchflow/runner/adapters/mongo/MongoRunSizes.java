package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;

import java.util.Date;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.RunSizes;

/** {@code runs}: {@code {_id: runId, targetCount, scannedAt}}, from {@code ScanCompleted} (an upsert: idempotent). */
@ApplicationScoped
public class MongoRunSizes implements RunSizes {

    private final MongoCollection<Document> runs;

    public MongoRunSizes(RunnerDatabase database) {
        this.runs = database.collection(RunnerDatabase.RUNS);
    }

    @Override
    public void record(String runId, int targetCount) {
        runs.updateOne(eq("_id", runId), combine(set("targetCount", targetCount), set("scannedAt", new Date())),
                new UpdateOptions().upsert(true));
    }

    @Override
    public Optional<Integer> targetCount(String runId) {
        Document d = runs.find(eq("_id", runId)).first();
        return Optional.ofNullable(d).map(doc -> doc.getInteger("targetCount"));
    }
}
