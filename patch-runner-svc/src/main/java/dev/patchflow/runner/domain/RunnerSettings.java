package dev.patchflow.runner.domain;

import java.nio.file.Path;
import java.time.Duration;

import dev.patchflow.schemas.events.PatchSpec;

/**
 * The service settings the domain needs, as plain values (produced from the {@code patchflow.runner.*}
 * configuration).
 *
 * @param defaultMaxConcurrency targets of one run executing at once when the run does not say
 * @param workers threads executing targets, across all runs
 * @param defaultTimeout per-target timeout when {@code patch.timeoutSeconds} is absent
 * @param leaseGrace added to the timeout to make a claim's lease: a claim outlives its execution
 * @param busyRetry how soon a target whose ledger entry another run holds is tried again
 * @param pollInterval how often the dispatcher looks for ready targets it was not told about
 * @param leaseCheckInterval how often expired claims are released and unpublished outcomes re-sent
 * @param outputTailLines lines of output in an event's {@code outputTail}
 * @param workDir working directory of targets without an install folder
 * @param instanceId this runner's name in claims ({@code owner})
 * @param source {@code ce_source} of emitted events
 */
public record RunnerSettings(int defaultMaxConcurrency, int workers, Duration defaultTimeout, Duration leaseGrace,
        Duration busyRetry, Duration pollInterval, Duration leaseCheckInterval, int outputTailLines, Path workDir,
        String instanceId, String source) {

    public Duration timeoutFor(PatchSpec patch) {
        Integer seconds = patch == null ? null : patch.timeoutSeconds();
        return seconds == null || seconds <= 0 ? defaultTimeout : Duration.ofSeconds(seconds);
    }

    /** How long a claim on a target protects it: the whole execution plus the upload and recording. */
    public Duration leaseFor(PatchSpec patch) {
        return timeoutFor(patch).plus(leaseGrace);
    }
}
