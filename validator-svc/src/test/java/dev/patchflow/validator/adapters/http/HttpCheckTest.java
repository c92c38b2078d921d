package dev.patchflow.validator.adapters.http;

import static dev.patchflow.validator.testing.Fixtures.http;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.staticTarget;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

class HttpCheckTest {

    private final HttpCheck check = new HttpCheck(Duration.ofSeconds(20));
    private final RunContext run = run("r1", List.of());
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private String address;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health", exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.createContext("/moved", exchange -> {
            exchange.getResponseHeaders().add("Location", "/health");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/slow", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        address = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void passesWhenTheStatusIs200ByDefault() {
        CheckResult result = check.run(http("ping", "http://" + address + "/health", null, null), target(), run);

        assertThat(result)
                .isEqualTo(new CheckResult("ping", "http", true, "HTTP 200 from http://" + address + "/health"));
    }

    @Test
    void replacesAddressAndIdInTheUrlWithTheTargets() {
        CheckResult result = check.run(http("ping", "http://${address}/health/${id}", null, null), target(), run);

        assertThat(result.passed()).isTrue();
        assertThat(paths).containsExactly("/health/web-01");
    }

    @Test
    void failsNamingTheStatusTheUrlAndTheExpectedStatus() {
        CheckResult result = check.run(http("ping", "http://${address}/down", null, null), target(), run);

        assertThat(result).isEqualTo(new CheckResult("ping", "http", false,
                "HTTP 503 from http://" + address + "/down, expected 200"));
    }

    @Test
    void comparesWithExpectStatusAndDoesNotFollowRedirects() {
        CheckResult expected302 = check.run(http("redirect", "http://${address}/moved", 302, null), target(), run);
        CheckResult expected200 = check.run(http("redirect", "http://${address}/moved", null, null), target(), run);

        assertThat(expected302.passed()).isTrue();
        assertThat(expected200.detail()).isEqualTo("HTTP 302 from http://" + address + "/moved, expected 200");
    }

    @Test
    void failsWithConnectionRefusedWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/health";

        CheckResult result = check.run(http("ping", url, null, null), target(), run);

        assertThat(result).isEqualTo(new CheckResult("ping", "http", false, "connection refused: " + url));
    }

    @Test
    void failsWhenTheServerDoesNotAnswerWithinTheTimeout() {
        long started = System.nanoTime();

        CheckResult result = check.run(http("ping", "http://${address}/slow", null, 1), target(), run);

        assertThat(result).isEqualTo(new CheckResult("ping", "http", false, "timed out after 1s"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void failsWhenTheUrlNeedsAnAddressTheTargetLacks() {
        CheckResult result = check.run(http("ping", "http://${address}/health", null, null),
                staticTarget("web-02", null), run);

        assertThat(result.detail()).isEqualTo("target web-02 has no address for http://${address}/health");
    }

    @Test
    void failsOnAUrlThatIsNotHttp() {
        CheckResult result = check.run(http("ping", "ftp://${address}/x", null, null), target(), run);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("invalid URL ftp://" + address + "/x: only http and https are supported");
    }

    private Target target() {
        return staticTarget("web-01", address);
    }
}
