package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.date;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.instant;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import dev.patchflow.runner.domain.locks.Lease;
import dev.patchflow.runner.domain.locks.LeaseLocks;
import dev.patchflow.runner.domain.locks.LockHolder;

/**
 * {@code locks}: {@code {_id: name, holder, runId, owner, since, expiresAt, token}}. The document is never
 * deleted (a release only expires it) so that its {@code token} keeps counting across holders.
 * <p>
 * Acquisition is one atomic {@code findOneAndUpdate} on {@code {_id, expiresAt <= now OR holder == me}} that
 * {@code $inc}s the token; when it matches nothing, the lock is either held (the answer names the holder) or was
 * never taken, and then an {@code insertOne} with the unique {@code _id} decides the first holder. (Not an
 * upsert: on a held lock its failing insert would be a duplicate-key error on every poll of a waiting target.)
 */
@ApplicationScoped
public class MongoLeaseLocks implements LeaseLocks {

    private static final int ACQUIRE_ATTEMPTS = 3;

    private final MongoCollection<Document> locks;

    public MongoLeaseLocks(RunnerDatabase database) {
        this.locks = database.collection(RunnerDatabase.LOCKS);
    }

    @Override
    public Acquisition tryAcquire(String name, LockHolder holder, Instant now, Duration ttl) {
        for (int i = 0; i < ACQUIRE_ATTEMPTS; i++) {
            Document after = locks.findOneAndUpdate(
                    and(eq("_id", name), or(lte("expiresAt", date(now)), eq("holder", holder.holderId()))),
                    combine(set("holder", holder.holderId()), set("runId", holder.runId()),
                            set("owner", holder.owner()), set("since", date(now)),
                            set("expiresAt", date(now.plus(ttl))), inc("token", 1L)),
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (after != null) {
                return new Acquired(toLease(after));
            }
            Optional<Lease> current = current(name);
            if (current.isPresent()) {
                if (current.get().liveAt(now) && !current.get().holder().holderId().equals(holder.holderId())) {
                    return new Held(current.get());
                }
                // It expired or was released between the two operations: try again.
                continue;
            }
            try {
                // Never taken before: the unique _id makes the first insert the only winner.
                Document first = new Document("_id", name).append("holder", holder.holderId())
                        .append("runId", holder.runId()).append("owner", holder.owner()).append("since", date(now))
                        .append("expiresAt", date(now.plus(ttl))).append("token", 1L);
                locks.insertOne(first);
                return new Acquired(toLease(first));
            } catch (MongoException e) {
                if (!MongoErrors.isDuplicateKey(e)) {
                    throw e;
                }
            }
        }
        return current(name).<Acquisition>map(Held::new)
                .orElseThrow(() -> new IllegalStateException("lock " + name + " can neither be taken nor read"));
    }

    @Override
    public boolean refresh(Lease lease, Instant now, Duration ttl) {
        return locks.updateOne(
                and(eq("_id", lease.name()), eq("token", lease.token()), eq("holder", lease.holder().holderId()),
                        gt("expiresAt", date(now))),
                set("expiresAt", date(now.plus(ttl)))).getMatchedCount() == 1;
    }

    @Override
    public void release(Lease lease) {
        // Expire rather than delete: the token must survive for the next holder to get a higher one.
        locks.updateOne(and(eq("_id", lease.name()), eq("token", lease.token())),
                combine(set("expiresAt", new Date(0)), set("releasedAt", new Date())));
    }

    @Override
    public boolean holds(Lease lease, Instant now) {
        return locks.countDocuments(and(eq("_id", lease.name()), eq("token", lease.token()),
                gt("expiresAt", date(now)))) == 1;
    }

    @Override
    public Optional<Lease> current(String name) {
        return Optional.ofNullable(locks.find(eq("_id", name)).first()).map(MongoLeaseLocks::toLease);
    }

    private static Lease toLease(Document d) {
        Number token = d.get("token", Number.class);
        return new Lease(d.getString("_id"),
                new LockHolder(d.getString("holder"), d.getString("runId"), d.getString("owner")),
                token == null ? 0 : token.longValue(), instant(d.getDate("since")), instant(d.getDate("expiresAt")));
    }
}
