package dev.patchflow.kit.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code patchflow.kit.*}: how every service consumes and publishes. */
@ConfigMapping(prefix = "patchflow.kit")
public interface KitConfig {

    /** First wait before a batch that failed on a dependency is retried. */
    @WithDefault("200ms")
    Duration retryInitial();

    /** Longest wait between retries of such a batch (it is retried for as long as the dependency is down). */
    @WithDefault("5s")
    Duration retryMax();

    /** Outgoing events sent and not yet acknowledged, at most, while a batch is published. */
    @WithDefault("1024")
    int maxInFlight();

    /** How long the broker may take to acknowledge an outgoing event before the batch counts as failed. */
    @WithDefault("60s")
    Duration ackTimeout();
}
