package dev.patchflow.kit.mongo;

import java.util.Set;
import java.util.TreeSet;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;

/** What a MongoDB error means to an idempotent writer. */
public final class MongoErrors {

    private static final int DUPLICATE_KEY = 11000;

    private MongoErrors() {
    }

    /** The write lost a race to, or repeated, one with the same unique key: the fact is already recorded. */
    public static boolean isDuplicateKey(MongoException e) {
        if (e instanceof MongoWriteException write) {
            return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        return e.getCode() == DUPLICATE_KEY;
    }

    /**
     * The indexes (in the request list) of an unordered bulk insert that failed only because their documents
     * exist already; rethrows the exception if any other write failed.
     */
    public static Set<Integer> duplicateIndexes(MongoBulkWriteException e) {
        Set<Integer> duplicates = new TreeSet<>();
        for (BulkWriteError error : e.getWriteErrors()) {
            if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            duplicates.add(error.getIndex());
        }
        if (e.getWriteConcernError() != null) {
            throw e;
        }
        return duplicates;
    }
}
