package dev.patchflow.sdk;

import java.util.function.Function;
import java.util.logging.Logger;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;

/**
 * Idempotent MongoDB fixes: select only the documents that still need the fix, and write each one with the same
 * condition, so that a second run (or a concurrent one) finds nothing to do and changes nothing.
 */
public final class ConditionalUpdates {

    private ConditionalUpdates() {
    }

    /**
     * For every document matching {@code needsFix}, applies {@code fix(document)} with
     * {@code updateOne({_id, needsFix}, fix)}; in a dry run only logs what it would update.
     *
     * @return the documents updated (in a dry run: that would be)
     */
    public static long updateEach(MongoCollection<Document> collection, Bson needsFix, Function<Document, Bson> fix,
            boolean dryRun, Logger log) {
        long count = 0;
        try (MongoCursor<Document> documents = collection.find(needsFix).iterator()) {
            while (documents.hasNext()) {
                Document document = documents.next();
                Object id = document.get("_id");
                Bson update = fix.apply(document);
                if (dryRun) {
                    log.info(() -> "DRY RUN: would update " + collection.getNamespace() + " _id=" + id + " with "
                            + update.toBsonDocument());
                    count++;
                } else if (collection.updateOne(Filters.and(Filters.eq("_id", id), needsFix), update)
                        .getModifiedCount() == 1) {
                    count++;
                }
            }
        }
        long updated = count;
        log.info(() -> collection.getNamespace() + ": " + updated + " document(s) "
                + (dryRun ? "would be updated" : "updated"));
        return count;
    }
}
