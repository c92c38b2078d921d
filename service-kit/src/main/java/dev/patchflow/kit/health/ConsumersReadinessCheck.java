package dev.patchflow.kit.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /q/health/ready}: DOWN while a consumer retries a batch on a failed dependency ({@link PipelineReadiness}). */
@Readiness
@ApplicationScoped
public class ConsumersReadinessCheck implements HealthCheck {

    private final PipelineReadiness consumers;

    @Inject
    public ConsumersReadinessCheck(PipelineReadiness consumers) {
        this.consumers = consumers;
    }

    @Override
    public HealthCheckResponse call() {
        return consumers.response();
    }
}
