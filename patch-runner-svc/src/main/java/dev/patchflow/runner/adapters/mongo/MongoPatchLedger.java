package dev.patchflow.runner.adapters.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.setOnInsert;
import static com.mongodb.client.model.Updates.unset;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.date;
import static dev.patchflow.runner.adapters.mongo.MongoRunTargetStore.instant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.MongoException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;

import dev.patchflow.runner.domain.LedgerClaim;
import dev.patchflow.runner.domain.LedgerEntry;
import dev.patchflow.runner.domain.LedgerKey;
import dev.patchflow.runner.domain.LedgerState;
import dev.patchflow.runner.domain.PatchLedger;
import dev.patchflow.runner.domain.locks.Lease;

/**
 * Two collections, so that a claim costs the same whatever the number of entries:
 * <ul>
 * <li>{@code ledger}: {@code {_id: targetId|patchId|version, targetId, patchId, patchVersion, state APPLIED|FAILED,
 * runId, owner, claimedAt, appliedAt, failedAt, exitCode, attempts, fenceLock, fenceToken}}: the outcomes, read
 * and written by key only.
 * <li>{@code ledger_claims}: {@code {_id, runId, owner, leaseUntil, claimedAt, fenceLock, fenceToken, outcome}}
 * per entry being applied right now (state APPLYING): the claim is an insert with the unique key, or the
 * conditional takeover of an expired one (on this small collection), and is deleted once the outcome is written.
 * </ul>
 * Recording an outcome: the holder first writes it into its claim (a conditional update that passes only while
 * the claim is still its own, with its lock token: the fence), then into the ledger, then deletes the claim. A
 * holder that dies in between leaves a claim carrying the outcome: whoever claims the entry next writes that
 * outcome into the ledger first, so an applied patch is never forgotten and never applied twice.
 */
@ApplicationScoped
public class MongoPatchLedger implements PatchLedger {

    /** Lost races (a claim released or taken over between two reads) are retried this often. */
    private static final int CLAIM_ATTEMPTS = 5;

    private final MongoCollection<Document> ledger;
    private final MongoCollection<Document> claims;

    public MongoPatchLedger(RunnerDatabase database) {
        this.ledger = database.collection(RunnerDatabase.LEDGER);
        this.claims = database.collection(RunnerDatabase.LEDGER_CLAIMS);
    }

    @Override
    public LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil) {
        return claim(key, runId, owner, now, leaseUntil, null);
    }

    @Override
    public LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil,
            Lease fence) {
        for (int i = 0; i < CLAIM_ATTEMPTS; i++) {
            Document claim = new Document("_id", key.id()).append("runId", runId).append("owner", owner)
                    .append("leaseUntil", date(leaseUntil)).append("claimedAt", date(now))
                    .append("fenceLock", fence == null ? null : fence.name())
                    .append("fenceToken", fence == null ? null : fence.token());
            boolean taken;
            try {
                claims.insertOne(claim);
                taken = true;
            } catch (MongoException e) {
                if (!MongoErrors.isDuplicateKey(e)) {
                    throw e;
                }
                taken = false;
            }
            if (!taken) {
                Document current = claims.find(eq("_id", key.id())).first();
                if (current == null) {
                    continue; // released in between
                }
                if (current.get("outcome") != null) {
                    // Its holder recorded an outcome and died before writing it here: finish that first.
                    rollForward(key, current);
                    continue;
                }
                Instant until = instant(current.getDate("leaseUntil"));
                boolean live = until != null && !until.isBefore(now);
                if (live && !runId.equals(current.getString("runId"))) {
                    return new LedgerClaim.Busy(current.getString("runId"), current.getString("owner"), until);
                }
                if (fence != null && staleFence(fence, current)) {
                    return new LedgerClaim.Busy(current.getString("runId"), current.getString("owner"),
                            live ? until : now.plusSeconds(1));
                }
                // Expired, or held by this very run (re-dispatched after its runner died): take it over.
                Document replaced = claims.findOneAndReplace(
                        and(eq("_id", key.id()), eq("runId", current.getString("runId")),
                                eq("owner", current.getString("owner")),
                                eq("claimedAt", current.getDate("claimedAt"))),
                        claim);
                if (replaced == null) {
                    continue; // someone else changed it first
                }
            }
            Document entry = ledger.find(eq("_id", key.id())).first();
            if (entry != null && LedgerState.APPLIED.name().equals(entry.getString("state"))) {
                release(key, runId);
                return new LedgerClaim.AlreadyApplied(entry.getString("runId"), instant(entry.getDate("appliedAt")),
                        entry.getInteger("exitCode"));
            }
            if (fence != null && entry != null && staleFence(fence, entry)) {
                release(key, runId);
                return new LedgerClaim.Busy(entry.getString("runId"), entry.getString("owner"), now.plusSeconds(1));
            }
            return new LedgerClaim.Claimed(entry == null ? 1 : entry.getInteger("attempts", 0) + 1);
        }
        return new LedgerClaim.Busy(null, null, now.plusSeconds(1));
    }

    /** Not claimable with a token older than the one of the same lock that claimed it last. */
    private static boolean staleFence(Lease fence, Document last) {
        Number token = last.get("fenceToken", Number.class);
        return fence.name().equals(last.getString("fenceLock")) && token != null && token.longValue() > fence.token();
    }

    @Override
    public void markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt) {
        record(key, runId, null, LedgerState.APPLIED, exitCode, appliedAt);
    }

    @Override
    public void markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt) {
        record(key, runId, null, LedgerState.FAILED, exitCode, failedAt);
    }

    @Override
    public boolean markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt, Lease fence) {
        return record(key, runId, fence, LedgerState.APPLIED, exitCode, appliedAt);
    }

    @Override
    public boolean markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt, Lease fence) {
        return record(key, runId, fence, LedgerState.FAILED, exitCode, failedAt);
    }

    /** The holder's outcome: into its claim (fenced), then the ledger, then the claim goes. */
    private boolean record(LedgerKey key, String runId, Lease fence, LedgerState state, Integer exitCode,
            Instant at) {
        List<Bson> holder = new ArrayList<>(List.of(eq("_id", key.id()), eq("runId", runId)));
        if (fence != null) {
            holder.add(eq("fenceLock", fence.name()));
            holder.add(eq("fenceToken", fence.token()));
        }
        Document outcome = new Document("state", state.name()).append("exitCode", exitCode).append("at", date(at));
        Document claim = claims.findOneAndUpdate(and(holder), set("outcome", outcome),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        if (claim == null) {
            return false; // not this holder's any more (its lease was taken over by a newer token)
        }
        rollForward(key, claim);
        return true;
    }

    /** Writes the outcome a claim carries into the ledger, then deletes that claim. */
    private void rollForward(LedgerKey key, Document claim) {
        Document outcome = claim.get("outcome", Document.class);
        String state = outcome.getString("state");
        List<Bson> updates = new ArrayList<>(List.of(setOnInsert("targetId", key.targetId()),
                setOnInsert("patchId", key.patchId()), setOnInsert("patchVersion", key.patchVersion()),
                set("state", state), set("runId", claim.getString("runId")), set("owner", claim.getString("owner")),
                set("claimedAt", claim.getDate("claimedAt")), set("exitCode", outcome.getInteger("exitCode")),
                set("fenceLock", claim.getString("fenceLock")), set("fenceToken", claim.get("fenceToken")),
                set(LedgerState.APPLIED.name().equals(state) ? "appliedAt" : "failedAt", outcome.getDate("at")),
                unset("leaseUntil"), inc("attempts", 1)));
        ledger.updateOne(eq("_id", key.id()), combine(updates), new UpdateOptions().upsert(true));
        claims.deleteOne(and(eq("_id", key.id()), eq("runId", claim.getString("runId")),
                eq("owner", claim.getString("owner")), eq("claimedAt", claim.getDate("claimedAt"))));
    }

    @Override
    public void release(LedgerKey key, String runId) {
        // Nothing applied, nothing failed: the claim goes, the entry stays as it was (absent, or an old outcome).
        claims.deleteOne(and(eq("_id", key.id()), eq("runId", runId)));
    }

    @Override
    public Optional<LedgerEntry> find(LedgerKey key) {
        Document claim = claims.find(eq("_id", key.id())).first();
        Document d = ledger.find(eq("_id", key.id())).first();
        if (d != null && LedgerState.APPLIED.name().equals(d.getString("state"))) {
            return Optional.of(entry(d));
        }
        if (claim != null) {
            return Optional.of(new LedgerEntry(key.id(), LedgerState.APPLYING, claim.getString("runId"),
                    claim.getString("owner"), instant(claim.getDate("leaseUntil")),
                    d == null ? 0 : d.getInteger("attempts", 0), null, null));
        }
        return Optional.ofNullable(d).map(MongoPatchLedger::entry);
    }

    private static LedgerEntry entry(Document d) {
        return new LedgerEntry(d.getString("_id"), LedgerState.valueOf(d.getString("state")), d.getString("runId"),
                d.getString("owner"), instant(d.getDate("leaseUntil")), d.getInteger("attempts", 0),
                instant(d.getDate("appliedAt")), d.getInteger("exitCode"));
    }
}
