package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How targets are released to the executor.
 *
 * @param strategy {@code rolling} (default)
 * @param maxConcurrency targets in flight at once: a number ({@code "10"}) or a percentage of the
 *        scanned targets ({@code "25%"}, rounded up, at least 1); {@code null}: the service default
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutPolicy(String strategy, String maxConcurrency) {

    public static final String ROLLING = "rolling";

    public RolloutPolicy {
        strategy = strategy == null || strategy.isBlank() ? ROLLING : strategy;
    }
}
