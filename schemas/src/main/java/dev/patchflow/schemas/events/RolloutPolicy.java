package dev.patchflow.schemas.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How targets are released to the executor. The words mean what they mean in the tools operators already
 * trust: {@code maxConcurrency} and {@code maxErrors} as in AWS SSM rate control, {@code batches} as
 * Ansible's {@code serial}, the canary gate as an Argo Rollouts pause.
 *
 * @param strategy {@code rolling} (default), {@code all_at_once} (dev-like environments only),
 *        {@code batches} or {@code canary}
 * @param maxConcurrency targets in flight at once: a number ({@code "10"}) or a percentage of the scanned
 *        targets ({@code "25%"}, rounded up, at least 1); {@code null}: the service default
 * @param batches batch sizes like Ansible's {@code serial}: numbers or percentages, the last one repeating
 *        ({@code ["1", "5", "20%"]}); a batch starts when the previous one has finished. For
 *        {@code canary}, the first entry is the canary batch (default 1)
 * @param canary the gate after the canary batch
 * @param maxErrors failures tolerated before no new target starts (SSM MaxErrors): a number or a
 *        percentage of the scanned targets (rounded down); {@code "0"} stops after the first failure;
 *        {@code null}: no budget
 * @param maxErrorsPerDomain an additional budget per failure domain (landing zone or cluster)
 * @param notAfter the end of the maintenance window: no target starts after it (SSM cutoff)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutPolicy(String strategy, String maxConcurrency, List<String> batches, CanaryPolicy canary,
        String maxErrors, DomainErrorBudget maxErrorsPerDomain, Instant notAfter) {

    public static final String ROLLING = "rolling";
    public static final String ALL_AT_ONCE = "all_at_once";
    public static final String BATCHES = "batches";
    public static final String CANARY = "canary";

    public RolloutPolicy {
        strategy = strategy == null || strategy.isBlank() ? ROLLING : strategy;
        batches = batches == null || batches.isEmpty() ? null : List.copyOf(batches);
    }

    /** A rolling policy with only a concurrency limit (what requests carried before rollout control). */
    public RolloutPolicy(String strategy, String maxConcurrency) {
        this(strategy, maxConcurrency, null, null, null, null, null);
    }

    /**
     * The gate after a canary batch.
     *
     * @param gate {@code manual} (an approval through the runner's run control API) or {@code timer}
     * @param bakeSeconds how long a verified canary bakes before the timer gate opens
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CanaryPolicy(String gate, Integer bakeSeconds) {

        public static final String MANUAL = "manual";
        public static final String TIMER = "timer";

        public CanaryPolicy {
            gate = gate == null || gate.isBlank() ? MANUAL : gate;
        }
    }

    /**
     * A budget per failure domain: once the failures of one landing zone (or cluster) exceed
     * {@code maxErrors}, no further target of that domain starts; other domains go on.
     *
     * @param domain {@code landingZone} or {@code cluster}
     * @param maxErrors a number (per domain)
     */
    public record DomainErrorBudget(String domain, String maxErrors) {

        public static final String LANDING_ZONE = "landingZone";
        public static final String CLUSTER = "cluster";
    }
}
