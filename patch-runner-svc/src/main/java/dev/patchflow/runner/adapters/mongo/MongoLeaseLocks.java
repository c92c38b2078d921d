package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gt;
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
 * Two collections, so that taking a lock costs the same however many names were ever locked:
 * <ul>
 * <li>{@code locks}: {@code {_id: name, holder, runId, owner, since, expiresAt, token, releasedAt}}, never deleted
 * (its {@code token} keeps counting across holders), read and written by key only. It shows the last holder; a
 * lease written here by someone else (an older runner) is respected until it expires.
 * <li>{@code lock_leases}: {@code {_id: name, holder, runId, owner, since, expiresAt, token}} per lock held right
 * now: the exclusive part. Taking a lock is an insert with the unique name, or the conditional replacement of
 * exactly the expired (or own) lease that was read, on this small collection; the winner then counts the token
 * on the {@code locks} document ({@code $inc}, by key) and writes itself there. Refresh and release are
 * conditional on the lease's token, so a stale holder can do neither.
 * </ul>
 */
@ApplicationScoped
public class MongoLeaseLocks implements LeaseLocks {

    private static final int ACQUIRE_ATTEMPTS = 5;

    private final MongoCollection<Document> locks;
    private final MongoCollection<Document> leases;

    public MongoLeaseLocks(RunnerDatabase database) {
        this.locks = database.collection(RunnerDatabase.LOCKS);
        this.leases = database.collection(RunnerDatabase.LOCK_LEASES);
    }

    @Override
    public Acquisition tryAcquire(String name, LockHolder holder, Instant now, Duration ttl) {
        for (int i = 0; i < ACQUIRE_ATTEMPTS; i++) {
            Document lease = leases.find(eq("_id", name)).first();
            Document lock = locks.find(eq("_id", name)).first();
            Lease current = lease != null ? toLease(lease, lock) : lock == null ? null : toLease(lock, null);
            if (current != null && current.liveAt(now) && !current.holder().holderId().equals(holder.holderId())) {
                return new Held(current);
            }
            Document mine = new Document("_id", name).append("holder", holder.holderId())
                    .append("runId", holder.runId()).append("owner", holder.owner()).append("since", date(now))
                    .append("expiresAt", date(now.plus(ttl)));
            if (lease == null) {
                try {
                    leases.insertOne(mine);
                } catch (MongoException e) {
                    if (!MongoErrors.isDuplicateKey(e)) {
                        throw e;
                    }
                    continue; // someone took it first: look again
                }
            } else if (leases.findOneAndReplace(and(eq("_id", name), eq("holder", lease.getString("holder")),
                    eq("expiresAt", lease.getDate("expiresAt"))), mine) == null) {
                continue;
            }
            // The lease is ours: the token counts on the lock's own document, which shows the holder too.
            Document after = locks.findOneAndUpdate(eq("_id", name),
                    combine(inc("token", 1L), set("holder", holder.holderId()), set("runId", holder.runId()),
                            set("owner", holder.owner()), set("since", date(now)),
                            set("expiresAt", date(now.plus(ttl)))),
                    new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
            long token = after.get("token", Number.class).longValue();
            leases.updateOne(and(eq("_id", name), eq("holder", holder.holderId()), eq("since", date(now))),
                    set("token", token));
            return new Acquired(new Lease(name, holder, token, now, now.plus(ttl)));
        }
        return current(name).<Acquisition>map(Held::new)
                .orElseThrow(() -> new IllegalStateException("lock " + name + " can neither be taken nor read"));
    }

    @Override
    public boolean refresh(Lease lease, Instant now, Duration ttl) {
        boolean refreshed = leases.updateOne(
                and(eq("_id", lease.name()), eq("token", lease.token()), eq("holder", lease.holder().holderId()),
                        gt("expiresAt", date(now))),
                set("expiresAt", date(now.plus(ttl)))).getMatchedCount() == 1;
        if (refreshed) {
            locks.updateOne(eq("_id", lease.name()), set("expiresAt", date(now.plus(ttl))));
        }
        return refreshed;
    }

    @Override
    public void release(Lease lease) {
        // Only the holder of this token releases; the lock's document is expired rather than deleted: the token
        // must survive for the next holder to get a higher one.
        if (leases.findOneAndDelete(and(eq("_id", lease.name()), eq("token", lease.token()))) != null) {
            locks.updateOne(eq("_id", lease.name()),
                    combine(set("expiresAt", new Date(0)), set("releasedAt", new Date())));
        }
    }

    @Override
    public boolean holds(Lease lease, Instant now) {
        Document held = leases.find(eq("_id", lease.name())).first();
        Number token = held == null ? null : held.get("token", Number.class);
        Date expires = held == null ? null : held.getDate("expiresAt");
        return token != null && token.longValue() == lease.token() && expires != null && expires.after(date(now));
    }

    @Override
    public Optional<Lease> current(String name) {
        Document lease = leases.find(eq("_id", name)).first();
        Document lock = locks.find(eq("_id", name)).first();
        if (lease != null) {
            return Optional.of(toLease(lease, lock));
        }
        return Optional.ofNullable(lock).map(l -> toLease(l, null));
    }

    /** A lease as stored; its token, while the winner has not written it yet, is the lock's. */
    private static Lease toLease(Document d, Document lock) {
        Number token = d.get("token", Number.class);
        if (token == null && lock != null) {
            token = lock.get("token", Number.class);
        }
        return new Lease(d.getString("_id"),
                new LockHolder(d.getString("holder"), d.getString("runId"), d.getString("owner")),
                token == null ? 0 : token.longValue(), instant(d.getDate("since")), instant(d.getDate("expiresAt")));
    }
}
