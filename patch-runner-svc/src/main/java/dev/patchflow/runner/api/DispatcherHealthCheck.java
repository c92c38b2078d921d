package dev.patchflow.runner.api;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.patchflow.runner.domain.Dispatcher;

/** Live only while the dispatcher thread runs: without it READY targets would wait forever. */
@Liveness
@ApplicationScoped
public class DispatcherHealthCheck implements HealthCheck {

    private final Dispatcher dispatcher;

    public DispatcherHealthCheck(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("patch-runner-dispatcher").status(dispatcher.isAlive()).build();
    }
}
