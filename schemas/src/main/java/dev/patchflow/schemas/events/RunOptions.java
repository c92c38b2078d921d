package dev.patchflow.schemas.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a run behaves.
 *
 * @param dryRun every phase reports what it would do and changes nothing
 * @param checks the post-patch checks the validator runs
 * @param aws the AWS workflow's settings ({@code aws-ec2} targets); {@code null}: the services' defaults
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOptions(boolean dryRun, Phases phases, RolloutPolicy rollout, List<CheckSpec> checks,
        AwsOptions aws) {

    public RunOptions {
        phases = phases == null ? Phases.ALL : phases;
        rollout = rollout == null ? new RolloutPolicy(null, null) : rollout;
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public RunOptions(boolean dryRun, Phases phases, RolloutPolicy rollout, List<CheckSpec> checks) {
        this(dryRun, phases, rollout, checks, null);
    }

    /** The AWS settings, {@link AwsOptions#DEFAULTS} when the run gives none. */
    public AwsOptions awsOrDefaults() {
        return aws == null ? AwsOptions.DEFAULTS : aws;
    }

    public static RunOptions defaults() {
        return new RunOptions(false, Phases.ALL, null, List.of());
    }
}
