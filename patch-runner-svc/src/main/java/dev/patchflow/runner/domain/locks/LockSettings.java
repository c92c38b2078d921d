package dev.patchflow.runner.domain.locks;

import java.time.Duration;

/**
 * {@code patchflow.runner.locks.*} as plain values.
 *
 * @param onConflict what a target does when another run holds its cluster (or target) lock
 * @param maxWait how long a waiting target waits before it fails naming the holder
 * @param ttl a lease lapses this long after its last refresh (how soon a dead holder's lock is free)
 * @param retryInterval how often a waiting target tries again
 */
public record LockSettings(OnConflict onConflict, Duration maxWait, Duration ttl, Duration retryInterval) {

    public enum OnConflict {
        WAIT, REFUSE
    }

    /** Refreshed at a third of the ttl: two refreshes may fail (a slow MongoDB) before the lease lapses. */
    public Duration refreshInterval() {
        return ttl.dividedBy(3);
    }
}
