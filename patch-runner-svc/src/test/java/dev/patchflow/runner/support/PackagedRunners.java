package dev.patchflow.runner.support;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.ServiceProcess;

/**
 * The packaged runner ({@code quarkus-run.jar}) started as the launcher starts it ({@link ServiceProcess}), for the
 * tests that kill and restart it. Every runner started here is stopped after each test:
 * {@code @RegisterExtension final PackagedRunners runners = new PackagedRunners();}
 */
public final class PackagedRunners implements AfterEachCallback {

    private final List<ServiceProcess> started = new ArrayList<>();

    /**
     * The embedded stack's settings with short leases and polls, so that a killed runner's claims expire within a
     * test (1 s grace, checked every second) and queued targets are taken within 200 ms. Mutable: a test adds its own.
     */
    public static Map<String, String> withQuickLeases(LocalStack stack) {
        Map<String, String> properties = new HashMap<>(stack.serviceProperties());
        properties.put("patchflow.runner.lease-grace", "1s");
        properties.put("patchflow.runner.lease-check-interval", "1s");
        properties.put("patchflow.runner.poll-interval", "200ms");
        return properties;
    }

    /** Starts {@code patch-runner-svc} with {@code properties} (its log under {@code target/<name>}), ready. */
    public ServiceProcess start(String name, Map<String, String> properties) throws IOException, InterruptedException {
        return start(ServiceProcess.forTest("patch-runner-svc", name, properties), Duration.ofSeconds(120));
    }

    /** Starts {@code runner} and waits until it is ready. */
    public ServiceProcess start(ServiceProcess runner, Duration readyWithin) throws IOException, InterruptedException {
        started.add(runner.start());
        runner.awaitReady(readyWithin);
        return runner;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        started.forEach(ServiceProcess::close);
        started.clear();
    }
}
