package dev.patchflow.validator.domain;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * One kind of post-patch check ({@code command}, {@code http}, {@code version}, later instance state,
 * agent ping, backup present, K8s readiness). A check never throws for a failing target: every way
 * the target can be unhealthy is a {@link CheckResult} with {@code passed=false} and a detail that
 * says why, because the report shows that reason to the operator.
 */
public interface HealthCheck {

    /** The {@link CheckSpec#type()} this check handles. */
    String type();

    /** Runs the check once against the target; must return within the spec's timeout (or the default). */
    CheckResult run(CheckSpec spec, Target target, RunContext run);
}
