package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * RunWatcher against a stand-in for report-svc's run API (the JDK's HTTP server on a random loopback port): what it
 * asks for while a run is in progress, and what it returns once the run is complete.
 */
class RunWatcherTest {

    HttpServer server;
    final List<String> asked = new CopyOnWriteArrayList<>();
    final AtomicInteger summaries = new AtomicInteger();
    /** The summary answer number that is slower than the watcher waits (0: none). */
    volatile int slowSummary;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/api/runs/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** run-1: RUNNING for two summaries, then COMPLETED; the full view carries the targets. */
    void answer(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        asked.add(exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query) + " "
                + exchange.getRequestHeaders().getFirst("Authorization"));
        String body;
        int status = 200;
        if (!exchange.getRequestURI().getPath().equals("/api/runs/run-1")) {
            status = 404;
            body = "{\"error\":\"unknown run\"}";
        } else if ("limit=0".equals(query)) {
            int n = summaries.incrementAndGet();
            if (n == slowSummary) {
                sleep(Duration.ofSeconds(2));
            }
            body = "{\"runId\":\"run-1\",\"state\":\"" + (n < 3 ? "RUNNING" : "COMPLETED")
                    + "\",\"counts\":{\"terminal\":" + n + "}}";
        } else {
            body = "{\"runId\":\"run-1\",\"state\":\"COMPLETED\",\"targets\":[{\"targetId\":\"t-1\"}]}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    RunWatcher watcher() {
        return new RunWatcher("http://127.0.0.1:" + server.getAddress().getPort(), "viewer-token",
                Duration.ofMillis(500));
    }

    @Test
    void pollsTheRunsSummaryAndReturnsItsFullViewOnceCompleted() throws Exception {
        JsonNode run = watcher().awaitCompleted("run-1", Duration.ofSeconds(30));

        assertThat(run.path("targets").get(0).path("targetId").asText()).isEqualTo("t-1");
        assertThat(asked).containsExactly("/api/runs/run-1?limit=0 Bearer viewer-token",
                "/api/runs/run-1?limit=0 Bearer viewer-token", "/api/runs/run-1?limit=0 Bearer viewer-token",
                "/api/runs/run-1 Bearer viewer-token");
    }

    @Test
    void asksAgainWhenASummaryIsSlowerThanItWaits() throws Exception {
        slowSummary = 2;

        JsonNode run = watcher().awaitCompleted("run-1", Duration.ofSeconds(30));

        assertThat(run.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(summaries.get()).isGreaterThanOrEqualTo(3);
        assertThat(asked.get(asked.size() - 1)).isEqualTo("/api/runs/run-1 Bearer viewer-token");
    }

    @Test
    void anUnknownRunIsEmptyAndNeverCompletes() throws Exception {
        assertThat(watcher().run("run-2")).isEmpty();
        assertThatThrownBy(() -> watcher().awaitCompleted("run-2", Duration.ofMillis(600)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("run run-2 did not complete");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
