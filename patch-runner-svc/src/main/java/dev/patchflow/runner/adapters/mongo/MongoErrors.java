package dev.patchflow.runner.adapters.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoWriteException;

final class MongoErrors {

    private MongoErrors() {
    }

    static boolean isDuplicateKey(MongoException e) {
        if (e instanceof MongoWriteException write) {
            return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        }
        if (e instanceof MongoBulkWriteException bulk) {
            return !bulk.getWriteErrors().isEmpty()
                    && bulk.getWriteErrors().stream().allMatch(w -> w.getCode() == 11000);
        }
        return e.getCode() == 11000;
    }
}
