package dev.patchflow.runner.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code patchflow.runner.k8s-job.*}: defaults of the {@code k8s-job} executor; a request's
 * {@code patch.parameters} override the per-Job ones. The clusters are {@code patchflow.kubernetes.*}
 * (kubernetes-kit).
 */
@ConfigMapping(prefix = "patchflow.runner.k8s-job")
public interface KubernetesJobConfig {

    /** How long to wait for the patched workload to be Available before creating the Job. */
    @WithDefault("5m")
    Duration serviceWait();

    /** How often the workload and the Job are read while waiting. */
    @WithDefault("2s")
    Duration pollInterval();

    /** Pod retries before the Job fails ({@code spec.backoffLimit}). */
    @WithDefault("1")
    int backoffLimit();

    /**
     * {@code spec.ttlSecondsAfterFinished}: how long a finished Job (and its pods' logs) stays. The runner
     * copies the logs as soon as the Job finishes, or when it adopts the Job after a restart: this must be
     * longer than a runner can be down.
     */
    @WithDefault("86400")
    int ttlSecondsAfterFinished();

    /** Exit codes that fail the Job at once ({@code podFailurePolicy} FailJob); patch-sdk: 2 usage, 3 permanent. */
    @WithDefault("2,3")
    List<Integer> nonRetriableExitCodes();

    /** The Job pods' service account when the request names none; absent: none, and no API token mounted. */
    Optional<String> serviceAccount();

    /** Resources of the patch container. */
    @WithDefault("100m")
    String cpuRequest();

    @WithDefault("256Mi")
    String memoryRequest();

    @WithDefault("1")
    String cpuLimit();

    @WithDefault("512Mi")
    String memoryLimit();

    /** Added to the Job's deadline before the runner stops waiting for a Job controller that says nothing. */
    @WithDefault("2m")
    Duration deadlineGrace();
}
