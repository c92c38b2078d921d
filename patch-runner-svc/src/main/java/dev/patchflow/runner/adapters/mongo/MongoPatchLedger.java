package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.ne;
import static com.mongodb.client.model.Filters.or;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.date;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.instant;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;

import dev.patchflow.runner.domain.LedgerClaim;
import dev.patchflow.runner.domain.LedgerEntry;
import dev.patchflow.runner.domain.LedgerKey;
import dev.patchflow.runner.domain.LedgerState;
import dev.patchflow.runner.domain.PatchLedger;
import dev.patchflow.runner.domain.locks.Lease;

/**
 * {@code ledger}: {@code {_id: targetId|patchId|version, state APPLYING|APPLIED|FAILED, runId, owner,
 * leaseUntil, attempts, claimedAt, appliedAt, failedAt, exitCode, fenceLock, fenceToken}}. {@code fenceLock} /
 * {@code fenceToken}: the cluster/target lock and token the entry was last claimed under; the outcome of an
 * older token of that lock is refused.
 * <p>
 * A claim is a conditional {@code findOneAndUpdate} on an existing entry, or an {@code insertOne} with the
 * unique {@code _id} for a new one: whichever runner wins the single-document write holds the entry.
 */
@ApplicationScoped
public class MongoPatchLedger implements PatchLedger {

    /** A lost race between "no claimable entry" and "insert" is retried this often before reporting busy. */
    private static final int CLAIM_ATTEMPTS = 3;

    private final MongoCollection<Document> ledger;

    public MongoPatchLedger(RunnerDatabase database) {
        this.ledger = database.collection(RunnerDatabase.LEDGER);
    }

    @Override
    public LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil) {
        return claim(key, runId, owner, now, leaseUntil, null);
    }

    @Override
    public LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil,
            Lease fence) {
        for (int i = 0; i < CLAIM_ATTEMPTS; i++) {
            // Claimable: not applied, and failed before, or its lease expired, or held by this very run
            // (the same run/target re-dispatched after its runner died).
            Bson claimable = and(eq("_id", key.id()), ne("state", LedgerState.APPLIED.name()),
                    or(eq("state", LedgerState.FAILED.name()), lt("leaseUntil", date(now)), eq("runId", runId)));
            Bson update = combine(set("state", LedgerState.APPLYING.name()), set("runId", runId),
                    set("owner", owner), set("leaseUntil", date(leaseUntil)), set("claimedAt", date(now)),
                    inc("attempts", 1));
            if (fence != null) {
                // Not claimable with a token older than the one of the same lock that claimed it last.
                claimable = and(claimable, or(ne("fenceLock", fence.name()), lte("fenceToken", fence.token())));
                update = combine(update, set("fenceLock", fence.name()), set("fenceToken", fence.token()));
            }
            Document claimed = ledger.findOneAndUpdate(claimable, update,
                    new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
            if (claimed != null) {
                return new LedgerClaim.Claimed(claimed.getInteger("attempts", 1));
            }
            try {
                ledger.insertOne(new Document("_id", key.id())
                        .append("targetId", key.targetId())
                        .append("patchId", key.patchId())
                        .append("patchVersion", key.patchVersion())
                        .append("state", LedgerState.APPLYING.name())
                        .append("runId", runId)
                        .append("owner", owner)
                        .append("leaseUntil", date(leaseUntil))
                        .append("claimedAt", date(now))
                        .append("attempts", 1)
                        .append("fenceLock", fence == null ? null : fence.name())
                        .append("fenceToken", fence == null ? null : fence.token()));
                return new LedgerClaim.Claimed(1);
            } catch (MongoException e) {
                if (!MongoErrors.isDuplicateKey(e)) {
                    throw e;
                }
            }
            Optional<LedgerEntry> existing = find(key);
            if (existing.isPresent()) {
                LedgerEntry entry = existing.get();
                if (entry.state() == LedgerState.APPLIED) {
                    return new LedgerClaim.AlreadyApplied(entry.runId(), entry.appliedAt(), entry.exitCode());
                }
                boolean liveLease = entry.leaseUntil() != null && !entry.leaseUntil().isBefore(now);
                if (entry.state() == LedgerState.APPLYING && liveLease && !runId.equals(entry.runId())) {
                    return new LedgerClaim.Busy(entry.runId(), entry.owner(), entry.leaseUntil());
                }
            }
            // The entry changed between our two writes: try again.
        }
        return new LedgerClaim.Busy(null, null, now.plusSeconds(1));
    }

    @Override
    public void markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt) {
        ledger.updateOne(and(eq("_id", key.id()), eq("runId", runId), eq("state", LedgerState.APPLYING.name())),
                combine(set("state", LedgerState.APPLIED.name()), set("appliedAt", date(appliedAt)),
                        set("exitCode", exitCode), unset("leaseUntil")));
    }

    @Override
    public void markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt) {
        ledger.updateOne(and(eq("_id", key.id()), eq("runId", runId), eq("state", LedgerState.APPLYING.name())),
                combine(set("state", LedgerState.FAILED.name()), set("failedAt", date(failedAt)),
                        set("exitCode", exitCode), unset("leaseUntil")));
    }

    @Override
    public void release(LedgerKey key, String runId) {
        ledger.deleteOne(and(eq("_id", key.id()), eq("runId", runId), eq("state", LedgerState.APPLYING.name())));
    }

    @Override
    public boolean markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt, Lease fence) {
        return ledger.updateOne(fenced(key, runId, fence),
                combine(set("state", LedgerState.APPLIED.name()), set("appliedAt", date(appliedAt)),
                        set("exitCode", exitCode), unset("leaseUntil")))
                .getMatchedCount() == 1;
    }

    @Override
    public boolean markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt, Lease fence) {
        return ledger.updateOne(fenced(key, runId, fence),
                combine(set("state", LedgerState.FAILED.name()), set("failedAt", date(failedAt)),
                        set("exitCode", exitCode), unset("leaseUntil")))
                .getMatchedCount() == 1;
    }

    /** The holder's APPLYING entry, and only while no newer token of the lock claimed it since. */
    private static Bson fenced(LedgerKey key, String runId, Lease fence) {
        Bson holder = and(eq("_id", key.id()), eq("runId", runId), eq("state", LedgerState.APPLYING.name()));
        return fence == null
                ? holder
                : and(holder, eq("fenceLock", fence.name()), eq("fenceToken", fence.token()));
    }

    @Override
    public Optional<LedgerEntry> find(LedgerKey key) {
        Document d = ledger.find(eq("_id", key.id())).first();
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new LedgerEntry(d.getString("_id"), LedgerState.valueOf(d.getString("state")),
                d.getString("runId"), d.getString("owner"), instant(d.getDate("leaseUntil")),
                d.getInteger("attempts", 0), instant(d.getDate("appliedAt")), d.getInteger("exitCode")));
    }
}
