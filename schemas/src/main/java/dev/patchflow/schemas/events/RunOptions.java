package dev.patchflow.schemas.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a run behaves.
 *
 * @param dryRun every phase reports what it would do and changes nothing
 * @param checks the post-patch checks the validator runs
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunOptions(boolean dryRun, Phases phases, RolloutPolicy rollout, List<CheckSpec> checks) {

    public RunOptions {
        phases = phases == null ? Phases.ALL : phases;
        rollout = rollout == null ? new RolloutPolicy(null, null) : rollout;
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public static RunOptions defaults() {
        return new RunOptions(false, Phases.ALL, null, List.of());
    }
}
