package dev.patchflow.runner.adapters.mongo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;

import dev.patchflow.runner.domain.SchemaJournal;

/**
 * {@link SchemaJournal} in the runner's {@code schema_journal} collection: one document per {@code runId/targetId}
 * with the plan, {@code started} (numbers) and {@code confirmed} (number → how), every write matching only while
 * the document's {@code lockToken} is not newer than the writer's (single-document atomic updates: the wire server
 * has no transactions).
 */
@ApplicationScoped
public class MongoSchemaJournal implements SchemaJournal {

    public static final String COLLECTION = "schema_journal";

    private final MongoCollection<Document> journals;

    public MongoSchemaJournal(RunnerDatabase database) {
        this.journals = database.collection(COLLECTION);
    }

    @Override
    public Optional<Journal> find(String runTargetId) {
        Document d = journals.find(Filters.eq("_id", runTargetId)).first();
        if (d == null) {
            return Optional.empty();
        }
        List<Entry> entries = new ArrayList<>();
        for (Document s : d.getList("statements", Document.class)) {
            entries.add(new Entry(s.getInteger("number"), s.getString("sql"), states(s.get("before", Document.class)),
                    states(s.get("after", Document.class)), s.getBoolean("rerunnable", false)));
        }
        List<Integer> started = new ArrayList<>(d.getList("started", Integer.class, List.of()));
        Map<Integer, String> confirmed = new TreeMap<>();
        Document c = d.get("confirmed", Document.class);
        if (c != null) {
            c.forEach((number, how) -> confirmed.put(Integer.parseInt(number), String.valueOf(how)));
        }
        return Optional.of(new Journal(runTargetId, d.getString("desiredSha256"), entries, started, confirmed));
    }

    private static Map<String, String> states(Document d) {
        Map<String, String> states = new LinkedHashMap<>();
        if (d != null) {
            // Table names may hold dots: stored as a list of {table, canonical} pairs.
            for (Document pair : d.getList("tables", Document.class)) {
                states.put(pair.getString("table"), pair.getString("canonical"));
            }
        }
        return states;
    }

    private static Document states(Map<String, String> states) {
        List<Document> pairs = new ArrayList<>();
        states.forEach((table, canonical) -> pairs.add(new Document("table", table).append("canonical", canonical)));
        return new Document("tables", pairs);
    }

    @Override
    public void create(String runTargetId, String desiredSha256, List<Entry> statements, long lockToken) {
        List<Document> docs = new ArrayList<>();
        for (Entry entry : statements) {
            docs.add(new Document("number", entry.number()).append("sql", entry.sql())
                    .append("before", states(entry.before())).append("after", states(entry.after()))
                    .append("rerunnable", entry.rerunnable()));
        }
        Document journal = new Document("_id", runTargetId).append("desiredSha256", desiredSha256)
                .append("statements", docs).append("started", List.of()).append("confirmed", new Document())
                .append("lockToken", lockToken).append("createdAt", Date.from(Instant.now()));
        journals.replaceOne(Filters.eq("_id", runTargetId), journal, new ReplaceOptions().upsert(true));
    }

    @Override
    public boolean claim(String runTargetId, long lockToken) {
        UpdateResult result = journals.updateOne(
                Filters.and(Filters.eq("_id", runTargetId), Filters.lte("lockToken", lockToken)),
                Updates.set("lockToken", lockToken));
        return result.getMatchedCount() == 1;
    }

    @Override
    public void started(String runTargetId, int number, long lockToken) {
        fenced(runTargetId, lockToken, Updates.addToSet("started", number));
    }

    @Override
    public void confirmed(String runTargetId, int number, String how, long lockToken) {
        fenced(runTargetId, lockToken, Updates.set("confirmed." + number, how));
    }

    private void fenced(String runTargetId, long lockToken, org.bson.conversions.Bson update) {
        UpdateResult result = journals.updateOne(
                Filters.and(Filters.eq("_id", runTargetId), Filters.lte("lockToken", lockToken)), update);
        if (result.getMatchedCount() != 1) {
            throw new FencedOut(runTargetId, lockToken);
        }
    }
}
