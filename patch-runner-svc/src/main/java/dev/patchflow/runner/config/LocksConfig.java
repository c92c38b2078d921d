package dev.patchflow.runner.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import dev.patchflow.runner.domain.locks.LockSettings;

/** {@code patchflow.runner.locks.*}: cluster and target locks (leases with fencing tokens in {@code locks}). */
@ConfigMapping(prefix = "patchflow.runner.locks")
public interface LocksConfig {

    /** {@code wait} (bounded by {@link #maxWait()}) or {@code refuse} when another run holds the lock. */
    @WithDefault("wait")
    LockSettings.OnConflict onConflict();

    /** How long a target waits for another run's lock before it fails naming the holder. */
    @WithDefault("5m")
    Duration maxWait();

    /** A lease lapses this long after its last refresh (refreshed every third of it). */
    @WithDefault("30s")
    Duration ttl();

    /** How often a waiting target tries the lock again. */
    @WithDefault("1s")
    Duration retryInterval();
}
