package dev.patchflow.runner.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.runner.domain.RunnerSettings;

/** Turns configuration into the plain values the domain uses. */
public class RunnerProducers {

    /** {@code ce_source} of every event this service emits. */
    public static final String SOURCE = "/patchflow/patch-runner-svc";

    @Produces
    @Singleton
    RunnerSettings settings(RunnerConfig config) {
        return new RunnerSettings(Math.max(1, config.defaultMaxConcurrency()), Math.max(1, config.workers()),
                config.defaultTimeout(), config.leaseGrace(), config.busyRetry(), config.pollInterval(),
                config.leaseCheckInterval(), config.outputTailLines(),
                config.workDir().orElse(Path.of("").toAbsolutePath()), config.instanceId().orElseGet(
                        RunnerProducers::defaultInstanceId),
                SOURCE);
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
