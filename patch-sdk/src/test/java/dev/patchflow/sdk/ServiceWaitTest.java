package dev.patchflow.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.patchflow.localstack.EmbeddedKubernetes;

class ServiceWaitTest {

    @Test
    void waitsUntilTheReadinessEndpointAnswers2xx() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(calls.incrementAndGet() < 3 ? 503 : 204, -1);
            exchange.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ready");
            ServiceWait.http(url, Duration.ofSeconds(30), Duration.ofMillis(50));
            assertThat(calls.get()).isEqualTo(3);
            calls.set(-1000);
            assertThatThrownBy(() -> ServiceWait.http(url, Duration.ofMillis(300), Duration.ofMillis(50)))
                    .isInstanceOf(ServiceWait.ServiceNotReadyException.class)
                    .hasMessage(url + " was not ready within 0s (last: HTTP 503)");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void waitsForTheDeploymentToBecomeAvailableOrSaysWhatItSaw() throws Exception {
        try (EmbeddedKubernetes cluster = EmbeddedKubernetes.start()) {
            cluster.createDeployment("rules", "rule-engine", Map.of(), "rule-engine:5.17.0", 1);
            CompletableFuture<Void> controller = CompletableFuture.runAsync(
                    () -> cluster.setDeploymentStatus("rules", "rule-engine", 1, true),
                    CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
            assertThat(ServiceWait.workload(cluster.client(), "rules", "Deployment", "rule-engine",
                    Duration.ofSeconds(30), Duration.ofMillis(100)).isAvailable()).isTrue();
            controller.join();

            cluster.createDeployment("rules", "down", Map.of(), "down:1", 1);
            assertThatThrownBy(() -> ServiceWait.workload(cluster.client(), "rules", "Deployment", "down",
                    Duration.ofMillis(300), Duration.ofMillis(100)))
                    .hasMessage("Deployment rules/down: 0 of 1 ready, 0 available, no Available condition yet was not "
                            + "Available within 0s");
        }
    }
}
