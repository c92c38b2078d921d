package dev.patchflow.runner.domain.locks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Named leases with fencing tokens ({@code cluster:<id>}, {@code target:<id>}): at most one live holder per
 * name; a lease lapses at its expiry unless refreshed, so a holder that dies loses it; every acquisition, by
 * anyone, gets a token strictly greater than every earlier one of that name, so a write that carries a stale
 * token can be refused by whoever sees a newer one.
 */
public interface LeaseLocks {

    /** Takes the lock if it is free, expired, or already held by {@code holder} (a re-acquisition, new token). */
    Acquisition tryAcquire(String name, LockHolder holder, Instant now, Duration ttl);

    /**
     * Takes the lock back for a holder that lost its handle on it (a restarted runner, or a replica that never had
     * it): its own live lease is kept as it is, refreshed with the same token, so that work already running under
     * that token is not fenced out by its own holder; otherwise {@link #tryAcquire}.
     */
    default Acquisition resume(String name, LockHolder holder, Instant now, Duration ttl) {
        Optional<Lease> current = current(name);
        if (current.isPresent() && current.get().liveAt(now)
                && current.get().holder().holderId().equals(holder.holderId()) && refresh(current.get(), now, ttl)) {
            Lease kept = current.get();
            return new Acquired(new Lease(kept.name(), kept.holder(), kept.token(), kept.since(), now.plus(ttl)));
        }
        return tryAcquire(name, holder, now, ttl);
    }

    /** Extends a live lease; {@code false} if it expired and someone else took it (or it was released). */
    boolean refresh(Lease lease, Instant now, Duration ttl);

    /** Gives the lock up; a no-op when {@code lease} is no longer the current one (its token is stale). */
    void release(Lease lease);

    /** Whether {@code lease} is still the live holder at {@code now}: a fenced write checks this token. */
    boolean holds(Lease lease, Instant now);

    /** The last acquisition of {@code name} (live or not), if it was ever taken. */
    Optional<Lease> current(String name);

    /** The answer to an acquisition. */
    sealed interface Acquisition {
    }

    record Acquired(Lease lease) implements Acquisition {
    }

    /** Someone else holds a live lease: who, since when, with which token. */
    record Held(Lease by) implements Acquisition {
    }
}
