package dev.patchflow.runner.domain.locks;

import java.time.Instant;

/**
 * One acquisition of a named lock.
 *
 * @param token the fencing token: strictly increasing over every acquisition of {@code name}
 * @param since when this holder acquired it
 * @param expiresAt when it lapses unless refreshed
 */
public record Lease(String name, LockHolder holder, long token, Instant since, Instant expiresAt) {

    public boolean liveAt(Instant now) {
        return expiresAt != null && expiresAt.isAfter(now);
    }
}
