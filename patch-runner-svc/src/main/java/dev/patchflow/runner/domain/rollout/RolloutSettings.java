package dev.patchflow.runner.domain.rollout;

import java.util.List;

/**
 * Rollout defaults of the workflow configuration ({@code patchflow.runner.rollout.*}).
 *
 * @param devEnvironments environments where {@code all_at_once} is allowed (case-insensitive)
 * @param defaultMaxErrors the error budget of a run that sets none ({@code null}: no budget)
 */
public record RolloutSettings(List<String> devEnvironments, String defaultMaxErrors) {

    public RolloutSettings {
        devEnvironments = List.copyOf(devEnvironments);
    }
}
