package dev.patchflow.kit.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import com.mongodb.client.MongoClient;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ServerDescription;

import io.quarkus.arc.properties.IfBuildProperty;

/**
 * MongoDB in {@code /q/health/ready}, from the driver's own view of its servers, answered at once. Quarkus's MongoDB
 * check pings, and a ping waits for server selection (30 s) while MongoDB is down: {@code /q/health/ready} hung
 * through a 20 s outage instead of answering DOWN ({@code DependencyOutageIT}), and a probe that times out tells
 * nobody why. The driver's monitor marks a server down at the first failed read or heartbeat and, while it is
 * unknown, tries it again every 500 ms, so this check follows MongoDB going and coming back within a second or so.
 * <p>
 * It replaces Quarkus's check where a service turns that one off ({@code quarkus.mongodb.health.enabled=false}):
 * the services that use MongoDB. The validator, which has none, has neither.
 */
@Readiness
@ApplicationScoped
@IfBuildProperty(name = "quarkus.mongodb.health.enabled", stringValue = "false")
public class MongoReadinessCheck implements HealthCheck {

    static final String NAME = "mongodb";

    private final MongoClient client;

    @Inject
    public MongoReadinessCheck(MongoClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        return of(client.getClusterDescription());
    }

    /** UP when a server the services can write to is connected; otherwise DOWN, with each server's state. */
    static HealthCheckResponse of(ClusterDescription cluster) {
        boolean writable = cluster.hasWritableServer();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(writable);
        if (!writable) {
            for (ServerDescription server : cluster.getServerDescriptions()) {
                response.withData(server.getAddress().toString(), server.getException() == null
                        ? server.getState().name()
                        : PipelineReadiness.describe(server.getException()));
            }
        }
        return response.build();
    }
}
