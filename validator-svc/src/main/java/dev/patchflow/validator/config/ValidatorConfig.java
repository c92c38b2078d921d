package dev.patchflow.validator.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Service settings, {@code patchflow.validator.*}. */
@ConfigMapping(prefix = "patchflow.validator")
public interface ValidatorConfig {

    /** Timeout of a command or http check whose spec has no {@code timeoutSeconds}. */
    @WithDefault("30s")
    Duration defaultTimeout();

    /**
     * How many targets of a batch are validated at the same time, so that one slow target does not hold up
     * the others.
     */
    @WithDefault("8")
    int workerConcurrency();
}
