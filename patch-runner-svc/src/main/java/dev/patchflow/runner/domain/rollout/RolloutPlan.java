package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.List;

/**
 * A run's rollout policy resolved against its scanned target count: plain numbers the scheduler applies.
 *
 * @param strategy {@code rolling}, {@code all_at_once}, {@code batches} or {@code canary}
 * @param concurrency targets in flight at once; {@code null}: no limit besides the batches
 * @param batchSizes the batches after the canary (if any), the last repeating; {@code null}: no batches
 * @param canarySize targets of the canary batch; 0 when the strategy is not canary
 * @param gate {@code manual} or {@code timer} (canary only)
 * @param bakeSeconds how long a verified canary bakes before a timer gate opens
 * @param maxErrors failures tolerated; {@code null}: no budget
 * @param domain {@code landingZone} or {@code cluster} when there is a per-domain budget, else {@code null}
 * @param domainMaxErrors failures tolerated per domain
 * @param notAfter no target starts after this; {@code null}: no window
 * @param refusal why the policy may not run at all (e.g. {@code all_at_once} outside dev), or {@code null}
 */
public record RolloutPlan(String strategy, Integer concurrency, List<Integer> batchSizes, int canarySize, String gate,
        int bakeSeconds, Integer maxErrors, String domain, Integer domainMaxErrors, Instant notAfter,
        String refusal) {

    public RolloutPlan {
        batchSizes = batchSizes == null ? null : List.copyOf(batchSizes);
    }

    public boolean canary() {
        return canarySize > 0;
    }
}
