package dev.patchflow.localstack;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.UUID;

import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

/**
 * mongo-java-server backends that use the {@code _id} index the way MongoDB does.
 * <p>
 * The library serves a query from an index only when the query's fields are exactly the index's: {@code {_id: k}}
 * is a lookup, but {@code {_id: k, state: "CLAIMED"}} — how every service compares and sets a document — reads
 * every document of the collection. Each such write then costs more as the database grows, which a real MongoDB
 * (whose planner uses the {@code _id} index for any query holding an {@code _id} equality) never does. These
 * backends read the one document the {@code _id} value names through the index and match the whole query against
 * it, so the answer is the same and the cost does not grow. Any other query is left to the library.
 */
public final class IdLookupBackends {

    private static final String ID = "_id";
    private static final String ID_INDEX = "_id_";

    private IdLookupBackends() {
    }

    /** In memory: tests and benchmarks. */
    public static MongoBackend inMemory() {
        return new Memory();
    }

    /** An H2 MVStore file: the local run, whose data survive a restart of the server. */
    public static MongoBackend file(Path file) {
        return new H2(file.toString());
    }

    /**
     * {@code {_id: k}} when the query holds a plain {@code _id} value, at its top or in a clause of a top-level
     * {@code $and} (the driver writes {@code and(eq("_id", k), or(...))} so), else {@code null}: no {@code _id},
     * or only with an operator such as {@code $in} or {@code $gt}, a regular expression or an array.
     */
    static Document idLookup(Document query) {
        Object id = plainId(query);
        return id == null ? null : new Document(ID, id);
    }

    private static Object plainId(Document query) {
        Object id = query.get(ID);
        if (isEqualityValue(id)) {
            return id;
        }
        if (query.get("$and") instanceof Collection<?> clauses) {
            for (Object clause : clauses) {
                Object found = clause instanceof Document d ? plainId(d) : null;
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** A value that can only be compared for equality: no operator document, regular expression or array. */
    private static boolean isEqualityValue(Object id) {
        return id instanceof String || id instanceof Number || id instanceof ObjectId || id instanceof UUID
                || id instanceof Date || id instanceof Instant || id instanceof Boolean
                || id instanceof Document d && d.keySet().stream().noneMatch(k -> k.startsWith("$"));
    }

    /** The documents {@code query} selects, read through the {@code _id} index when it names one; else null. */
    private static <P> Iterable<P> positionsById(Collection<Index<P>> indexes, Document query) {
        Document lookup = idLookup(query);
        if (lookup == null) {
            return null;
        }
        for (Index<P> index : indexes) {
            if (ID_INDEX.equals(index.getName()) && index.canHandle(lookup)) {
                return index.getPositions(lookup);
            }
        }
        return null;
    }

    private static final class Memory extends MemoryBackend {

        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {

                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new MemoryCollection(this, collectionName, options, cursorRegistry) {

                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit,
                                int batchSize, Document fieldSelector) {
                            Iterable<Integer> byId = positionsById(getIndexes(), query);
                            return byId == null
                                    ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector)
                                    : matchDocuments(query, byId, orderBy, skip, limit, batchSize, fieldSelector);
                        }
                    };
                }
            };
        }
    }

    private static final class H2 extends H2Backend {

        H2(String file) {
            super(file);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            MVStore store = getMvStore();
            CursorRegistry cursors = getCursorRegistry();
            return new H2Database(databaseName, store, cursors) {

                @Override
                protected MongoCollection<Object> openOrCreateCollection(String collectionName,
                        CollectionOptions options) {
                    // The map names H2Database gives a collection (mongo-java-server 1.47): a file written by
                    // either class opens with the other. LocalStackIT restarts the server on its file.
                    String namespace = getFullCollectionNamespace(collectionName);
                    return new H2Collection(this, collectionName, options, store.openMap("databases." + namespace),
                            store.openMap("meta." + namespace), cursors) {

                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit,
                                int batchSize, Document fieldSelector) {
                            Iterable<Object> byId = positionsById(getIndexes(), query);
                            return byId == null
                                    ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector)
                                    : matchDocuments(query, byId, orderBy, skip, limit, batchSize, fieldSelector);
                        }
                    };
                }
            };
        }
    }
}
