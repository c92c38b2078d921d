package dev.patchflow.kit.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Against a MongoDB-wire server that is stopped and started again on the same port, as in an outage. The check must
 * answer at once throughout, DOWN while the server is gone, UP when it is back.
 */
class MongoReadinessCheckTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);

    private MongoServer server;
    private MongoClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.shutdownNow();
        }
    }

    @Test
    void readinessAnswersDownAtOnceWhileMongoDbIsGoneAndUpWhenItIsBack() throws Exception {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        MongoReadinessCheck check = new MongoReadinessCheck(client);
        client.getDatabase("kit").getCollection("c").countDocuments();
        assertThat(awaitStatus(check, HealthCheckResponse.Status.UP).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);

        server.shutdownNow();
        // A service at work: its next operation fails and the driver marks the server down (an idle one notices
        // at its next heartbeat, within 10 s).
        useInTheBackground();
        HealthCheckResponse down = awaitStatus(check, HealthCheckResponse.Status.DOWN);

        assertThat(down.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(down.getData()).hasValueSatisfying(data -> assertThat(data)
                .containsKey(address.getHostString() + ":" + address.getPort()));

        server = new MongoServer(new MemoryBackend());
        server.bind(address.getHostString(), address.getPort());
        useInTheBackground();
        assertThat(awaitStatus(check, HealthCheckResponse.Status.UP).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }

    /** An operation that waits for the server (and fails while it is gone), as a working service's would. */
    private void useInTheBackground() {
        CompletableFuture.runAsync(() -> {
            try {
                client.getDatabase("kit").getCollection("c").countDocuments();
            } catch (RuntimeException e) {
                // MongoDB is down: that is the point.
            }
        });
    }

    /**
     * Calls the check until it answers {@code wanted} (or {@link #WITHIN} passed) and returns its last answer. Every
     * call must answer within a second: a check that waits for MongoDB would hang the readiness endpoint.
     */
    private static HealthCheckResponse awaitStatus(MongoReadinessCheck check, HealthCheckResponse.Status wanted)
            throws Exception {
        Instant deadline = Instant.now().plus(WITHIN);
        HealthCheckResponse last;
        do {
            last = CompletableFuture.supplyAsync(check::call).get(1, TimeUnit.SECONDS);
            if (last.getStatus() == wanted) {
                return last;
            }
            Thread.sleep(100);
        } while (Instant.now().isBefore(deadline));
        return last;
    }
}
