package dev.patchflow.kit.health;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Readiness of the service's consumers: DOWN while any of them is retrying a batch because a dependency
 * (MongoDB, S3, Kafka) failed, with what failed and since when; UP again at the first batch that goes
 * through. (Liveness is untouched: a service waiting for its database is alive, and restarting it would not
 * bring the database back.)
 */
@ApplicationScoped
public class PipelineReadiness {

    public static final String NAME = "patchflow consumers";

    record Failing(Instant since, String reason, int retries) {
    }

    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** A batch of {@code channel} failed on a dependency and will be retried. */
    public void failing(String channel, Throwable cause) {
        String reason = describe(cause);
        failing.compute(channel, (c, previous) -> previous == null
                ? new Failing(clock.instant(), reason, 1)
                : new Failing(previous.since(), reason, previous.retries() + 1));
    }

    /** A batch of {@code channel} went through. */
    public void recovered(String channel) {
        failing.remove(channel);
    }

    public boolean isFailing(String channel) {
        return failing.containsKey(channel);
    }

    /** The readiness answer (see {@link ConsumersReadinessCheck}). */
    public HealthCheckResponse response() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).status(failing.isEmpty());
        new TreeMap<>(failing).forEach((channel, f) -> response.withData(channel,
                "retrying since " + f.since() + " (" + f.retries() + " attempts): " + f.reason()));
        return response.build();
    }

    /** The exception's type and message, and its root cause's: enough to tell MongoDB from S3 from Kafka. */
    public static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (root != cause) {
            text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
