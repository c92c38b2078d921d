package dev.patchflow.localstack;

import org.h2.mvstore.type.ObjectDataType;

import de.bwaldvogel.mongo.backend.KeyValue;

/**
 * The key type of a unique index's H2 map, in the order H2 gives it but at a fraction of the cost.
 * <p>
 * mongo-java-server keeps each unique index (the {@code _id} index of every collection among them) in an H2 map keyed
 * by {@link KeyValue}, which is not {@link Comparable}: H2's {@link ObjectDataType} then orders two keys by their Java
 * serializations, and serializes both again on every comparison, some 17 of them for each lookup or insert in a map of
 * 100,000 keys: a fifth to a third of the wire server's CPU samples in local runs. This type compares the same bytes,
 * so the order, and with it every map already written to a file, stays exactly as it was; it only remembers the bytes
 * of the keys it compared last, by identity: the key looked up (compared with every key on its way down the tree) and
 * the keys of the pages in H2's cache (the upper ones compared on every lookup). Reading and writing keys is left to
 * {@link ObjectDataType}, so the file format does not change either.
 */
final class UniqueIndexKeyOrder extends ObjectDataType {

    /** Slots of the cache; a power of two. Holding a key's bytes costs about a hundred bytes. */
    private static final int SLOTS = 4096;

    /** A key and its serialized form; immutable, so a slot can be read and replaced without a lock. */
    private record Serialized(Object key, byte[] bytes) {
    }

    /**
     * Direct-mapped by identity hash: a slot holds the last key that hashed to it. Reads and writes race, which is
     * harmless: a reader that misses serializes the key itself, and a record's fields are final.
     */
    private final Serialized[] slots = new Serialized[SLOTS];

    @Override
    public int compare(Object a, Object b) {
        if (a instanceof KeyValue && b instanceof KeyValue) {
            return a == b ? 0 : compareNotNull(serialized(a), serialized(b));
        }
        return super.compare(a, b);
    }

    private byte[] serialized(Object key) {
        int slot = System.identityHashCode(key) & (SLOTS - 1);
        Serialized cached = slots[slot];
        if (cached != null && cached.key() == key) {
            return cached.bytes();
        }
        byte[] bytes = serialize(key);
        slots[slot] = new Serialized(key, bytes);
        return bytes;
    }
}
