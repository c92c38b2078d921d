package dev.patchflow.runner.config;

import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.runner.domain.locks.LockSettings;

/** Turns {@code patchflow.runner.locks.*} into the plain values the domain uses. */
public class LockProducers {

    @Produces
    @Singleton
    LockSettings lockSettings(LocksConfig config) {
        Duration ttl = config.ttl().compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : config.ttl();
        return new LockSettings(config.onConflict(), config.maxWait(), ttl, config.retryInterval());
    }
}
