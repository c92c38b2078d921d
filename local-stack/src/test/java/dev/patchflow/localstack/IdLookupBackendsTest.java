package dev.patchflow.localstack;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.in;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.regex;
import static com.mongodb.client.model.Updates.set;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;

class IdLookupBackendsTest {

    /** Ranges of string ids, as report-svc reads a run's views: ordered, paged, projected. */
    private static final List<Function<MongoCollection<Document>, Object>> RANGE_READS = List.of(
            c -> c.find(and(gte("_id", "run-1|"), lt("_id", "run-1}"), eq("runId", "run-1")))
                    .sort(new Document("_id", 1)).into(new ArrayList<>()),
            c -> c.find(and(gte("_id", "run-1|"), lt("_id", "run-1}"))).sort(new Document("_id", -1)).limit(2)
                    .into(new ArrayList<>()),
            c -> c.find(and(gt("_id", "run-1|t-1"), lte("_id", "run-2|t-1"))).sort(new Document("state", 1)
                    .append("_id", -1)).into(new ArrayList<>()),
            c -> c.find(and(gte("_id", "run-1|"), lt("_id", "run-1}"))).projection(Projections.include("state"))
                    .sort(new Document("_id", 1)).skip(1).into(new ArrayList<>()),
            c -> c.find(new Document("_id", new Document("$gte", "run-1|t-2").append("$ne", "run-1|t-3")))
                    .sort(new Document("_id", 1)).into(new ArrayList<>()),
            c -> c.find(and(gt("_id", "run-2"), lt("_id", "run-1"))).into(new ArrayList<>()),
            c -> c.find(lt("_id", "run-1|t-3")).sort(new Document("_id", 1)).into(new ArrayList<>()),
            c -> c.find(gt("_id", 5)).into(new ArrayList<>()));

    /** Lookups by _id, then writes that add and delete documents. */
    private static final List<Function<MongoCollection<Document>, Object>> LOOKUPS_AND_WRITES = List.of(
            c -> c.find(and(eq("_id", "run-1|t-2"), eq("state", "PENDING"))).into(new ArrayList<>()),
            c -> c.find(and(eq("_id", "run-1|t-2"), eq("state", "DONE"))).into(new ArrayList<>()),
            c -> c.find(and(eq("_id", "no-such"), eq("state", "PENDING"))).into(new ArrayList<>()),
            c -> c.find(and(in("_id", "run-1|t-1", "run-1|t-3"), eq("runId", "run-1"))).into(new ArrayList<>()),
            c -> c.find(and(gt("_id", "run-1|t-1"), eq("runId", "run-1"))).into(new ArrayList<>()),
            c -> c.find(and(regex("_id", "^run-1\\|"), eq("state", "PENDING"))).into(new ArrayList<>()),
            c -> c.find(and(eq("_id", new Document("run", "r").append("target", "t")), eq("n", 1)))
                    .into(new ArrayList<>()),
            c -> c.find(new Document("$and", List.of(new Document("_id", "run-1|t-2"),
                    new Document("$or", List.of(new Document("state", "DONE"), new Document("n",
                            new Document("$exists", false)))))))
                    .into(new ArrayList<>()),
            c -> c.find(new Document("$and", List.of(new Document("_id", "run-1|t-2"), new Document("state",
                    "DONE")))).into(new ArrayList<>()),
            // compare-and-set: only the first claim wins
            c -> c.findOneAndUpdate(and(eq("_id", "run-1|t-1"), eq("state", "PENDING")), set("state", "CLAIMED"),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER)),
            c -> String.valueOf(c.findOneAndUpdate(and(eq("_id", "run-1|t-1"), eq("state", "PENDING")),
                    set("state", "CLAIMED"))),
            c -> c.updateOne(and(eq("_id", "run-1|t-2"), eq("state", "PENDING")), Updates.inc("n", 1))
                    .getModifiedCount(),
            c -> c.updateOne(and(eq("_id", "run-1|t-9"), eq("state", "PENDING")), set("n", 1),
                    new UpdateOptions().upsert(true)).getUpsertedId(),
            c -> c.updateOne(new Document("$and", List.of(new Document("_id", "run-1|t-2"), new Document("$or",
                    List.of(new Document("state", "DONE"), new Document("n", new Document("$exists", true)))))),
                    set("seen", true)).getModifiedCount(),
            c -> c.deleteOne(and(eq("_id", "run-1|t-3"), eq("state", "DONE"))).getDeletedCount(),
            c -> c.deleteOne(and(eq("_id", "run-1|t-3"), eq("state", "PENDING"))).getDeletedCount(),
            // a document that takes the deleted one's place (the memory backend reuses its slot) is read once, in order
            c -> c.insertOne(new Document("_id", "run-0|t-1").append("runId", "run-0")).wasAcknowledged(),
            c -> c.find(and(gte("_id", "run-0|"), lt("_id", "run-2"))).sort(new Document("_id", 1))
                    .into(new ArrayList<>()));

    /**
     * Queries and writes of the shapes the services use, the ranges before and after the writes; each answer is
     * compared with the library's own.
     */
    private static final List<Function<MongoCollection<Document>, Object>> SCENARIO = Stream.of(RANGE_READS,
            LOOKUPS_AND_WRITES, RANGE_READS, List.of(IdLookupBackendsTest.readAll())).flatMap(List::stream).toList();

    /** The last step: every document, in _id order. */
    private static Function<MongoCollection<Document>, Object> readAll() {
        return c -> c.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }

    @Test
    void answersEveryQueryAndWriteAsTheLibraryDoes() {
        assertThat(play(IdLookupBackends.inMemory())).isEqualTo(play(new MemoryBackend()));
    }

    @Test
    void answersEveryQueryAndWriteAsTheLibraryDoesInAFile(@TempDir Path dir) {
        assertThat(play(IdLookupBackends.file(dir.resolve("lookup.mv"))))
                .isEqualTo(play(new H2Backend(dir.resolve("library.mv").toString())));
    }

    /**
     * The answers above would be the same with no lookup at all (a collection scan finds the same documents): this
     * pins which queries go through the {@code _id} index.
     */
    @Test
    void looksUpByIdOnlyAPlainIdAtTheTopOrInATopLevelAnd() {
        var byId = wire("_id", "run-1|t-1");

        assertThat(IdLookupBackends.idLookup(wire("_id", "run-1|t-1", "state", "PENDING"))).isEqualTo(byId);
        assertThat(IdLookupBackends.idLookup(wire("$and", List.of(byId, wire("$or", List.of()))))).isEqualTo(byId);
        assertThat(IdLookupBackends.idLookup(wire("_id", wire("$in", List.of("a", "b")), "state", "PENDING")))
                .isNull();
        assertThat(IdLookupBackends.idLookup(wire("_id", new BsonRegularExpression("^run-1"), "state", "PENDING")))
                .isNull();
        assertThat(IdLookupBackends.idLookup(wire("runId", "run-1"))).isNull();
    }

    /** Like the lookups, the ranges above would give the same answers from a collection scan: this pins them. */
    @Test
    void readsAStringRangeOfIdsAtTheTopOrInATopLevelAndThroughTheIndex() {
        assertThat(IdLookupBackends.IdRange.of(wire("$and", List.of(wire("_id", wire("$gte", "run-1|")),
                wire("_id", wire("$lt", "run-1}")), wire("runId", "run-1")))))
                .isEqualTo(new IdLookupBackends.IdRange("run-1|", true, "run-1}", false));
        assertThat(IdLookupBackends.IdRange.of(wire("_id", wire("$gt", "a", "$gte", "b", "$lte", "c", "$lt", "c"))))
                .isEqualTo(new IdLookupBackends.IdRange("b", true, "c", false));
        assertThat(IdLookupBackends.IdRange.of(wire("_id", wire("$gt", 5)))).isNull();
        assertThat(IdLookupBackends.IdRange.of(wire("_id", wire("$gt", "a", "$lt", 5)))).isNull();
        assertThat(IdLookupBackends.IdRange.of(wire("_id", wire("$in", List.of("a"))))).isNull();
        assertThat(IdLookupBackends.IdRange.of(wire("runId", wire("$gt", "a")))).isNull();
    }

    /** The answers above would be the same from a collection scan and a sort: this pins the reading of a range. */
    @Test
    void readsOnlyTheIdsOfARangeInTheAskedOrder() {
        var ids = new IdLookupBackends.OrderedIds<Integer>();
        ids.added("run-1|t-2", 2);
        ids.added("run-1|t-1", 1);
        ids.added("run-2|t-1", 3);
        ids.added(new de.bwaldvogel.mongo.bson.ObjectId(), 4);
        var run1 = wire("$and", List.of(wire("_id", wire("$gte", "run-1|")), wire("_id", wire("$lt", "run-1}"))));

        assertThat(ids.plan(List.of(), run1, null).positions()).containsExactly(1, 2);
        assertThat(ids.plan(List.of(), run1, wire("_id", 1))).satisfies(plan -> {
            assertThat(plan.positions()).containsExactly(1, 2);
            assertThat(plan.orderBy()).isNull();
        });
        assertThat(ids.plan(List.of(), run1, wire("_id", -1)).positions()).containsExactly(2, 1);
        assertThat(ids.plan(List.of(), run1, wire("state", 1))).satisfies(plan -> {
            assertThat(plan.positions()).containsExactly(1, 2);
            assertThat(plan.orderBy()).isEqualTo(wire("state", 1));
        });
        ids.removed("run-1|t-1");
        assertThat(ids.plan(List.of(), run1, null).positions()).containsExactly(2);
        assertThat(ids.plan(List.of(), wire("runId", "run-1"), null)).isNull();
        assertThat(ids.plan(List.of(), run1, wire("$natural", 1))).isNull();
    }

    /** The ids read are inside the range: each document read is matched only against the rest of the query. */
    @Test
    void matchesTheDocumentsOfARangeOnlyAgainstWhatTheRangeDoesNotKeep() {
        var ids = new IdLookupBackends.OrderedIds<Integer>();
        ids.added("run-1|t-1", 1);
        var report = wire("$and", List.of(wire("_id", wire("$gte", "run-1|")), wire("_id", wire("$lt", "run-1}")),
                wire("runId", "run-1")));

        assertThat(ids.plan(List.of(), report, null).query()).isEqualTo(wire("$and", List.of(wire("runId", "run-1"))));
        assertThat(ids.plan(List.of(), wire("_id", wire("$gte", "a", "$lt", "b"), "state", "DONE"), null).query())
                .isEqualTo(wire("state", "DONE"));
        assertThat(ids.plan(List.of(), wire("_id", wire("$gt", "a")), null).query()).isEqualTo(wire());
        var otherOperator = wire("_id", wire("$gte", "a", "$ne", "b"));
        assertThat(ids.plan(List.of(), otherOperator, null).query()).isEqualTo(otherOperator);
    }

    /** The wire server's own document type, which its backends see. */
    private static de.bwaldvogel.mongo.bson.Document wire(Object... keysAndValues) {
        var d = new de.bwaldvogel.mongo.bson.Document();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            d.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return d;
    }

    @Test
    void aFileWrittenByTheLibraryOpensWithTheLookupBackendAndBack(@TempDir Path dir) {
        Path file = dir.resolve("mongo.mv");
        List<Object> answers = play(new H2Backend(file.toString()));

        List<Document> reopened = readAll(IdLookupBackends.file(file));
        assertThat(reopened).isEqualTo(answers.get(answers.size() - 1));
        try (Server server = new Server(IdLookupBackends.file(file)); MongoClient client = server.client()) {
            // the ids of a reopened file are in the ordered index too
            assertThat(client.getDatabase("db").getCollection("targets").find(and(gte("_id", "run-1|"),
                    lt("_id", "run-1}"))).sort(new Document("_id", -1)).into(new ArrayList<>()))
                    .isEqualTo(reopened.stream().filter(d -> d.get("_id") instanceof String id
                            && id.startsWith("run-1|")).sorted((a, b) -> b.getString("_id")
                                    .compareTo(a.getString("_id")))
                            .toList());
        }
        try (Server server = new Server(IdLookupBackends.file(file));
                MongoClient client = server.client()) {
            client.getDatabase("db").getCollection("targets").updateOne(
                    and(eq("_id", "run-1|t-2"), eq("state", "PENDING")), set("state", "DONE"));
        }
        assertThat(readAll(new H2Backend(file.toString()))).filteredOn(d -> d.get("_id").equals("run-1|t-2"))
                .extracting(d -> d.get("state")).containsExactly("DONE");
    }

    @Test
    void aReaderGetsEveryDocumentWholeWhileAnotherClientRewritesThem() throws Exception {
        assertThat(readsWhileRewriting(IdLookupBackends.inMemory())).isEmpty();
    }

    @Test
    void aReaderGetsEveryDocumentWholeWhileAnotherClientRewritesThemInAFile(@TempDir Path dir) throws Exception {
        assertThat(readsWhileRewriting(IdLookupBackends.file(dir.resolve("mongo.mv")))).isEmpty();
    }

    /**
     * Three clients rewrite 40 documents over and over (every one of their 20 counters to one new value, a field
     * added or removed) while another reads them all, through the {@code _id} range and by id, for two seconds.
     * Returns what the reader saw wrong: an error (the library used to fail encoding a reply that held a document
     * being rewritten, and never sent it: the socket timeout below turns that wait into an error) or a document
     * whose counters differ (a reply encoded halfway through a rewrite).
     */
    private static List<String> readsWhileRewriting(MongoBackend backend) throws Exception {
        List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
        int documents = 40;
        int counters = 20;
        int writers = 3;
        try (Server server = new Server(backend);
                MongoClient writer = server.client();
                MongoClient reader = MongoClients.create("mongodb://" + server.address().getHostString() + ":"
                        + server.address().getPort() + "/?socketTimeoutMS=5000")) {
            MongoCollection<Document> written = writer.getDatabase("db").getCollection("views");
            for (int i = 0; i < documents; i++) {
                Document d = new Document("_id", String.format("run|t-%03d", i));
                for (int c = 0; c < counters; c++) {
                    d.append("c" + c, 0);
                }
                written.insertOne(d);
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> rewriting = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int first = w;
                rewriting.add(new Thread(() -> {
                    for (int n = first; !stop.get(); n += writers) {
                        String id = String.format("run|t-%03d", n % documents);
                        List<org.bson.conversions.Bson> sets = new ArrayList<>();
                        for (int c = 0; c < counters; c++) {
                            sets.add(n % 4 < 2 ? set("c" + c, n) : Updates.inc("c" + c, 1));
                        }
                        sets.add(n % 3 == 0 ? set("extra", n) : Updates.unset("extra"));
                        if (n % 5 == 0) {
                            written.findOneAndUpdate(eq("_id", id), Updates.combine(sets));
                        } else {
                            written.updateOne(eq("_id", id), Updates.combine(sets));
                        }
                    }
                }));
            }
            rewriting.forEach(Thread::start);
            MongoCollection<Document> read = reader.getDatabase("db").getCollection("views");
            long until = System.nanoTime() + 2_000_000_000L;
            try {
                while (System.nanoTime() < until && wrong.size() < 5) {
                    List<Document> all = read.find(and(gte("_id", "run|"), lt("_id", "run}"))).batchSize(10)
                            .into(new ArrayList<>());
                    all.add(read.find(eq("_id", "run|t-007")).first());
                    for (Document d : all) {
                        for (int c = 1; c < counters; c++) {
                            if (!d.get("c" + c).equals(d.get("c0"))) {
                                wrong.add("torn: " + d.toJson());
                                break;
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                wrong.add("read failed: " + e);
            } finally {
                stop.set(true);
                for (Thread t : rewriting) {
                    t.join();
                }
            }
        }
        return wrong;
    }

    private static List<Object> play(MongoBackend backend) {
        try (Server server = new Server(backend); MongoClient client = server.client()) {
            MongoCollection<Document> targets = client.getDatabase("db").getCollection("targets");
            for (int i = 1; i <= 3; i++) {
                targets.insertOne(new Document("_id", "run-1|t-" + i).append("runId", "run-1").append("state",
                        "PENDING"));
            }
            targets.insertOne(new Document("_id", "run-2|t-1").append("runId", "run-2").append("state", "PENDING"));
            targets.insertOne(new Document("_id", new Document("run", "r").append("target", "t")).append("n", 1));
            List<Object> answers = new ArrayList<>();
            for (Function<MongoCollection<Document>, Object> step : SCENARIO) {
                answers.add(step.apply(targets));
            }
            return answers;
        }
    }

    private static List<Document> readAll(MongoBackend backend) {
        try (Server server = new Server(backend); MongoClient client = server.client()) {
            return client.getDatabase("db").getCollection("targets").find().sort(new Document("_id", 1))
                    .into(new ArrayList<>());
        }
    }

    /** A wire server on a free loopback port; closing it closes its backend (and an H2 file). */
    private record Server(MongoServer server, InetSocketAddress address) implements AutoCloseable {

        Server(MongoBackend backend) {
            this(new MongoServer(backend));
        }

        private Server(MongoServer server) {
            this(server, server.bind());
        }

        MongoClient client() {
            return MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        }

        @Override
        public void close() {
            server.shutdownNow();
        }
    }
}
