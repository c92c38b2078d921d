package dev.patchflow.localstack;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.ArrayFilters;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.h2.H2Collection;
import de.bwaldvogel.mongo.backend.h2.H2Database;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * mongo-java-server backends that use the {@code _id} index the way MongoDB does.
 * <p>
 * The library serves a query from an index only when the query's fields are exactly the index's: {@code {_id: k}}
 * is a lookup, but {@code {_id: k, state: "CLAIMED"}} — how every service compares and sets a document — reads
 * every document of the collection, and so does a range such as {@code {_id: {$gte: "run|", $lt: "run}"}}, which
 * it then sorts in memory, however few documents the range holds. Each such query then costs more as the database
 * grows, which a real MongoDB (whose planner uses the {@code _id} index for any query holding an {@code _id}
 * equality or range) never does. These backends read the one document an {@code _id} value names, or the string
 * ids of a range in their order, through their own index and match the whole query against what they read, so
 * the answer is the same and its cost does not grow with the collection. Any other query is left to the library.
 */
public final class IdLookupBackends {

    /**
     * The library keeps each collection's data size for {@code collStats} by BSON-encoding a document twice on every
     * update and once on every insert and delete (6% of the CPU of {@code RolloutBenchmark}'s JVM in a profile); no
     * service reads it.
     */
    static final boolean TRACKS_DATA_SIZE = false;

    /**
     * Set while this thread runs an update ({@code update}, {@code findAndModify}) of a collection: its query then
     * hands out copies of the stored documents. The library rewrites the document an update matched in place and
     * encodes a query's reply after the collection's lock is released, from the stored objects themselves: a reply
     * that held a document another client was updating failed to encode ({@code ConcurrentModificationException}),
     * was never sent, and left its client waiting on the connection (a 10,000-target {@code benchmark} run stalled
     * for over a minute on one, 2026-12-05). Updating a copy, which then replaces the stored document, leaves every
     * stored document unchanged once stored: copy-on-write, for one copy per document updated (copying on the
     * read side instead cost the wire server 0.3–0.8 s of CPU per 100,000-view read; local-stack README).
     */
    private static final ThreadLocal<Boolean> UPDATING = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** Runs {@code update} with {@link #UPDATING} set. */
    static <T> T copyOnWrite(Supplier<T> update) {
        boolean outer = UPDATING.get();
        UPDATING.set(Boolean.TRUE);
        try {
            return update.get();
        } finally {
            UPDATING.set(outer);
        }
    }

    /** {@code result} as the caller may change it: copies of its documents while updating, else itself. */
    static QueryResult forCaller(QueryResult result) {
        if (!UPDATING.get()) {
            return result;
        }
        List<Document> copies = new ArrayList<>();
        result.forEach(document -> copies.add(document.cloneDeeply()));
        return new QueryResult(copies, result.getCursorId());
    }

    private static final String ID = "_id";
    private static final String ID_INDEX = "_id_";

    private IdLookupBackends() {
    }

    /** In memory: tests and benchmarks. */
    public static MongoBackend inMemory() {
        return new Memory();
    }

    /**
     * An H2 MVStore file: the local run, whose data survive a restart of the server. Its page cache holds up to a
     * quarter of this JVM's heap, at most {@value #MAX_FILE_CACHE_MB} MB, instead of H2's 16 MB: a document on a
     * page that is not in the cache is deserialized again (Java serialization, some 40 µs a document), which was
     * most of the time a report of a 100,000-target run took to read.
     */
    public static MongoBackend file(Path file) {
        return new H2(new MVStore.Builder().fileName(file.toString()).cacheSize(fileCacheMegabytes()).open());
    }

    static final int MAX_FILE_CACHE_MB = 512;

    static int fileCacheMegabytes() {
        long quarterOfHeap = Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024);
        return (int) Math.max(16, Math.min(MAX_FILE_CACHE_MB, quarterOfHeap));
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

    /**
     * How to read a query's documents through an {@code _id} index: the positions to read, in the order to read
     * them, what each document read must still match (the query without the bounds the positions already keep) and
     * the sort still to apply to what matches ({@code null} when the positions come in the asked order).
     */
    record Plan<P>(Iterable<P> positions, Document query, Document orderBy) {
    }

    /**
     * The string {@code _id}s of a collection in the library's own order ({@link ValueComparator}), with their
     * positions. A range of strings holds only strings, as in MongoDB (a comparison never matches across types),
     * so this is all a string range needs.
     */
    static final class OrderedIds<P> {

        private final ConcurrentSkipListMap<String, P> positions = new ConcurrentSkipListMap<>(ValueComparator.asc());

        void added(Object id, P position) {
            if (id instanceof String key) {
                positions.put(key, position);
            }
        }

        void removed(Object id) {
            if (id instanceof String key) {
                positions.remove(key);
            }
        }

        /** The plan for {@code query}, or {@code null} when it names neither an {@code _id} nor a string range. */
        Plan<P> plan(Collection<Index<P>> indexes, Document query, Document orderBy) {
            Document lookup = idLookup(query);
            if (lookup != null) {
                for (Index<P> index : indexes) {
                    if (ID_INDEX.equals(index.getName()) && index.canHandle(lookup)) {
                        return new Plan<>(index.getPositions(lookup), query, orderBy);
                    }
                }
                return null;
            }
            IdRange range = IdRange.of(query);
            if (range == null || orderBy != null && orderBy.containsKey("$natural")) {
                return null;
            }
            NavigableMap<String, P> selected = range.of(positions);
            // Every id read is inside the bounds: the matcher need not compare each one with them again (two of
            // the three conditions of a report's query, a third of the wire server's work reading a run's views).
            Document rest = IdRange.withoutBounds(query);
            // No order asked: MongoDB answers in the order of the index it reads, and so does this.
            int direction = orderBy == null || orderBy.isEmpty() ? 1 : idOrder(orderBy);
            return direction == 0
                    ? new Plan<>(selected.values(), rest, orderBy)
                    : new Plan<>((direction > 0 ? selected : selected.descendingMap()).values(), rest, null);
        }
    }

    /** 1 for a sort by {@code _id} ascending alone, -1 descending alone, else 0. */
    private static int idOrder(Document orderBy) {
        if (orderBy.size() != 1 || !(orderBy.get(ID) instanceof Number direction)) {
            return 0;
        }
        return Integer.signum(direction.intValue());
    }

    /**
     * The tightest string bounds that {@code $gt}, {@code $gte}, {@code $lt} and {@code $lte} on {@code _id} put
     * on a query, at its top or in a top-level {@code $and}. Other operators beside them ({@code $ne}, ...) only
     * narrow what matches, which the matcher then checks; a bound that is not a string leaves the query to the
     * library.
     */
    record IdRange(String low, boolean lowInclusive, String high, boolean highInclusive) {

        private static final ValueComparator ORDER = ValueComparator.asc();
        private static final Set<String> BOUNDS = Set.of("$gt", "$gte", "$lt", "$lte");

        static IdRange of(Document query) {
            IdRange range = collect(query, new IdRange(null, false, null, false));
            return range == null || range.low == null && range.high == null ? null : range;
        }

        /** {@code range} narrowed by {@code query}'s bounds on {@code _id}; {@code null} for a bound not a string. */
        private static IdRange collect(Document query, IdRange range) {
            if (query.get(ID) instanceof Document operators) {
                for (var operator : operators.entrySet()) {
                    if (!BOUNDS.contains(operator.getKey())) {
                        continue;
                    }
                    if (!(operator.getValue() instanceof String bound)) {
                        return null;
                    }
                    range = range.narrowed(operator.getKey(), bound);
                }
            }
            if (query.get("$and") instanceof Collection<?> clauses) {
                for (Object clause : clauses) {
                    if (clause instanceof Document d) {
                        range = collect(d, range);
                        if (range == null) {
                            return null;
                        }
                    }
                }
            }
            return range;
        }

        /**
         * {@code query} without the {@code _id} conditions made only of string bounds (those {@link #of} read), at
         * its top or in a top-level {@code $and}; an {@code _id} condition with another operator stays whole.
         */
        static Document withoutBounds(Document query) {
            Document rest = new Document();
            for (var condition : query.entrySet()) {
                Object value = condition.getValue();
                if (condition.getKey().equals(ID) && value instanceof Document operators && onlyBounds(operators)) {
                    continue;
                }
                if (condition.getKey().equals("$and") && value instanceof Collection<?> clauses) {
                    List<Object> kept = new ArrayList<>();
                    for (Object clause : clauses) {
                        Object left = clause instanceof Document d ? withoutBounds(d) : clause;
                        if (!(left instanceof Document d && d.isEmpty())) {
                            kept.add(left);
                        }
                    }
                    if (!kept.isEmpty()) {
                        rest.put("$and", kept);
                    }
                    continue;
                }
                rest.put(condition.getKey(), value);
            }
            return rest;
        }

        private static boolean onlyBounds(Document operators) {
            return !operators.isEmpty() && operators.entrySet().stream()
                    .allMatch(o -> BOUNDS.contains(o.getKey()) && o.getValue() instanceof String);
        }

        private IdRange narrowed(String operator, String value) {
            return switch (operator) {
                case "$gt", "$gte" -> {
                    boolean inclusive = operator.equals("$gte");
                    int c = low == null ? 1 : ORDER.compare(value, low);
                    yield c > 0 || c == 0 && !inclusive ? new IdRange(value, inclusive, high, highInclusive) : this;
                }
                default -> {
                    boolean inclusive = operator.equals("$lte");
                    int c = high == null ? -1 : ORDER.compare(value, high);
                    yield c < 0 || c == 0 && !inclusive ? new IdRange(low, lowInclusive, value, inclusive) : this;
                }
            };
        }

        /** The part of {@code ids} in the range (empty when the range is). */
        <P> NavigableMap<String, P> of(ConcurrentSkipListMap<String, P> ids) {
            if (low != null && high != null) {
                int c = ORDER.compare(low, high);
                if (c > 0 || c == 0 && !(lowInclusive && highInclusive)) {
                    return Collections.emptyNavigableMap();
                }
                return ids.subMap(low, lowInclusive, high, highInclusive);
            }
            return low != null ? ids.tailMap(low, lowInclusive) : ids.headMap(high, highInclusive);
        }
    }

    /**
     * The list {@link MemoryCollection} keeps its documents in, by position: the library has no setter for the
     * copy-on-write update to replace a document with ({@link #UPDATING}; mongo-java-server 1.47).
     */
    @SuppressWarnings("unchecked")
    private static List<Document> storedDocuments(MemoryCollection collection) {
        try {
            return (List<Document>) MEMORY_DOCUMENTS.get(collection);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read mongo-java-server's MemoryCollection.documents", e);
        }
    }

    /** Looked up once: {@link #storedDocuments} runs for every collection the in-memory server opens. */
    private static final Field MEMORY_DOCUMENTS = memoryDocumentsField();

    private static Field memoryDocumentsField() {
        try {
            Field documents = MemoryCollection.class.getDeclaredField("documents");
            documents.setAccessible(true);
            return documents;
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("mongo-java-server's MemoryCollection no longer keeps 'documents'", e);
        }
    }

    private static final class Memory extends MemoryBackend {

        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new MemoryDatabase(databaseName, getCursorRegistry()) {

                @Override
                protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
                    return new MemoryCollection(this, collectionName, options, cursorRegistry) {

                        private final OrderedIds<Integer> ids = new OrderedIds<>();
                        private final List<Document> stored = storedDocuments(this);

                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit,
                                int batchSize, Document fieldSelector) {
                            Plan<Integer> plan = ids.plan(getIndexes(), query, orderBy);
                            return forCaller(plan == null
                                    ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector)
                                    : matchDocuments(plan.query(), plan.positions(), plan.orderBy(), skip, limit,
                                            batchSize, fieldSelector));
                        }

                        @Override
                        public synchronized Document updateDocuments(Document selector, Document update,
                                ArrayFilters arrayFilters, boolean multi, boolean upsert, Oplog oplog) {
                            return copyOnWrite(() -> super.updateDocuments(selector, update, arrayFilters, multi,
                                    upsert, oplog));
                        }

                        @Override
                        public synchronized Document findAndModify(Document query) {
                            return copyOnWrite(() -> super.findAndModify(query));
                        }

                        /** The updated copy replaces the stored document (the library's own is a no-op). */
                        @Override
                        protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
                            stored.set(position, newDocument);
                        }

                        @Override
                        protected Integer addDocumentInternal(Document document) {
                            Integer position = super.addDocumentInternal(document);
                            ids.added(document.get(ID), position);
                            return position;
                        }

                        @Override
                        protected void removeDocument(Integer position) {
                            ids.removed(getDocument(position).get(ID));
                            super.removeDocument(position);
                        }

                        /** See {@link IdLookupBackends#TRACKS_DATA_SIZE}. */
                        @Override
                        protected boolean tracksDataSize() {
                            return TRACKS_DATA_SIZE;
                        }
                    };
                }
            };
        }
    }

    private static final class H2 extends H2Backend {

        H2(MVStore store) {
            super(store);
        }

        @Override
        protected MongoDatabase openOrCreateDatabase(String databaseName) {
            MVStore store = getMvStore();
            CursorRegistry cursors = getCursorRegistry();
            return new H2Database(databaseName, store, cursors) {

                /**
                 * Opens the index's map with {@link UniqueIndexKeyOrder} before the library does: its
                 * {@code openMap(name)} then gets this map (MVStore keeps one per name), which compares keys as
                 * H2 would, without serializing both on every comparison.
                 */
                @Override
                protected Index<Object> openOrCreateUniqueIndex(String collectionName, String indexName,
                        List<IndexKey> keys, boolean sparse) {
                    // The map name H2Database gives an index (mongo-java-server 1.47).
                    store.openMap(getFullCollectionNamespace(collectionName) + "._index_" + indexName,
                            new MVMap.Builder<KeyValue, Object>().keyType(new UniqueIndexKeyOrder()));
                    return super.openOrCreateUniqueIndex(collectionName, indexName, keys, sparse);
                }

                @Override
                protected MongoCollection<Object> openOrCreateCollection(String collectionName,
                        CollectionOptions options) {
                    // The map names H2Database gives a collection (mongo-java-server 1.47): a file written by
                    // either class opens with the other. LocalStackIT restarts the server on its file.
                    String namespace = getFullCollectionNamespace(collectionName);
                    MVMap<Object, Document> documents = store.openMap("databases." + namespace);
                    // A document's position in H2 is its _id, the key of the map.
                    OrderedIds<Object> ids = new OrderedIds<>();
                    documents.keySet().forEach(id -> ids.added(id, id));
                    return new H2Collection(this, collectionName, options, documents,
                            store.openMap("meta." + namespace), cursors) {

                        @Override
                        protected QueryResult queryDocuments(Document query, Document orderBy, int skip, int limit,
                                int batchSize, Document fieldSelector) {
                            Plan<Object> plan = ids.plan(getIndexes(), query, orderBy);
                            return forCaller(plan == null
                                    ? super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector)
                                    : matchDocuments(plan.query(), plan.positions(), plan.orderBy(), skip, limit,
                                            batchSize, fieldSelector));
                        }

                        // The library's handleUpdate puts the updated copy in the map, replacing the stored one.
                        @Override
                        public synchronized Document updateDocuments(Document selector, Document update,
                                ArrayFilters arrayFilters, boolean multi, boolean upsert, Oplog oplog) {
                            return copyOnWrite(() -> super.updateDocuments(selector, update, arrayFilters, multi,
                                    upsert, oplog));
                        }

                        @Override
                        public synchronized Document findAndModify(Document query) {
                            return copyOnWrite(() -> super.findAndModify(query));
                        }

                        @Override
                        protected Object addDocumentInternal(Document document) {
                            Object position = super.addDocumentInternal(document);
                            ids.added(document.get(ID), position);
                            return position;
                        }

                        @Override
                        protected void removeDocument(Object position) {
                            ids.removed(position);
                            super.removeDocument(position);
                        }

                        /** See {@link IdLookupBackends#TRACKS_DATA_SIZE}. */
                        @Override
                        protected boolean tracksDataSize() {
                            return TRACKS_DATA_SIZE;
                        }
                    };
                }
            };
        }
    }
}
