package dev.patchflow.runner.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code patchflow.runner.*}: how this runner executes targets. */
@ConfigMapping(prefix = "patchflow.runner")
public interface RunnerConfig {

    /** Targets of one run executing at once when the run's {@code maxConcurrency} is absent. */
    @WithDefault("4")
    int defaultMaxConcurrency();

    /** Worker threads executing targets, across all runs. */
    @WithDefault("16")
    int workers();

    /** Per-target timeout when {@code patch.timeoutSeconds} is absent. */
    @WithDefault("10m")
    Duration defaultTimeout();

    /** Added to a target's timeout to make its claim's lease. */
    @WithDefault("60s")
    Duration leaseGrace();

    /** How soon a target whose ledger entry another run holds is tried again. */
    @WithDefault("5s")
    Duration busyRetry();

    /** How often the dispatcher looks in MongoDB for READY targets it was not told about. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How often expired claims are released and unacknowledged outcomes re-sent. */
    @WithDefault("10s")
    Duration leaseCheckInterval();

    /** Lines of output in an event's {@code outputTail}. */
    @WithDefault("20")
    int outputTailLines();

    /** Working directory of targets without an install folder; default: the service's own. */
    Optional<Path> workDir();

    /** This runner's name in claims; default: host name and process id. */
    Optional<String> instanceId();
}
