package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.PatchFailed;

/**
 * A failure that does not count against the run's error budget (nor a domain budget), while still being a
 * failure (the target's story, the canary gate, the report). Beans of this type are asked for every
 * {@code PatchFailed} the runner records; one answer {@code true} exempts it. None exists by default: every
 * failure counts. (An executor whose delivery timed out before the patch could run, for instance, may add one.)
 */
public interface BudgetExemption {

    /** Whether {@code failure} is exempt from the error budget. */
    boolean exempts(PatchFailed failure);
}
