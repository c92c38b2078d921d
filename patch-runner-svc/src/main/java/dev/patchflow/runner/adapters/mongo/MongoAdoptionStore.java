package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.set;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.date;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.instant;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.client.MongoCollection;

import dev.patchflow.runner.domain.AdoptionStore;
import dev.patchflow.runner.domain.ChildProcess;

/**
 * {@code run_targets.child}: {@code {pid, processStart, outputFile, exitFile, handle, recordedAt}} of the process
 * (or, with a {@code handle}, the Kubernetes Job) an executor started for the target. Kept when the claim is released (that is when it is needed) and replaced
 * by the next attempt's.
 */
@ApplicationScoped
public class MongoAdoptionStore implements AdoptionStore {

    private final MongoCollection<Document> targets;
    private final MongoCollection<Document> claims;
    private final MongoRunTargetStore store;

    public MongoAdoptionStore(RunnerDatabase database, MongoRunTargetStore store) {
        this.targets = database.collection(RunnerDatabase.RUN_TARGETS);
        this.claims = database.collection(RunnerDatabase.CLAIMS);
        this.store = store;
    }

    @Override
    public void recordChild(String runTargetId, ChildProcess child, Instant now) {
        Document doc = new Document("pid", child.pid())
                .append("processStart", date(child.processStart()))
                .append("outputFile", child.outputFile())
                .append("exitFile", child.exitFile())
                .append("handle", child.handle())
                .append("recordedAt", date(now));
        targets.updateOne(eq("_id", runTargetId), set("child", doc));
    }

    /** The child recorded in a {@code run_targets} document, or {@code null}. */
    static ChildProcess childOf(Document target) {
        Document child = target.get("child", Document.class);
        if (child == null) {
            return null;
        }
        Number pid = child.get("pid", Number.class);
        return new ChildProcess(pid.longValue(), instant(child.getDate("processStart")),
                child.getString("outputFile"), child.getString("exitFile"), child.getString("handle"));
    }

    @Override
    public long releaseClaimsOf(String owner, Instant now) {
        // The claims of one owner, from the small claims collection: expire them, and the sweep that releases
        // expired claims queues their targets again (the same path as a claim whose runner died).
        long released = claims.updateMany(eq("owner", owner), set("leaseUntil", date(now.minusMillis(1))))
                .getModifiedCount();
        if (released > 0) {
            store.releaseExpired(now);
        }
        return released;
    }

    @Override
    public boolean extendClaim(String runTargetId, String owner, Instant leaseUntil) {
        boolean mine = claims.updateOne(and(eq("_id", runTargetId), eq("owner", owner)),
                set("leaseUntil", date(leaseUntil))).getMatchedCount() == 1;
        if (mine) {
            targets.updateOne(eq("_id", runTargetId), set("leaseUntil", date(leaseUntil)));
        }
        return mine;
    }
}
