package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** {@code patchctl runs approve|halt|resume|cancel} against a stand-in for patch-runner-svc's run control API. */
class RunControlCommandTest {

    private HttpServer runner;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile int status = 202;
    private volatile String body = "{\"runId\":\"r1\",\"action\":\"HALT\",\"sequence\":1}";

    @BeforeEach
    void start() throws IOException {
        runner = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        runner.createContext("/", exchange -> {
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        runner.start();
    }

    @AfterEach
    void stop() {
        runner.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + runner.getAddress().getPort();
    }

    @Test
    void haltPostsToTheRunnerWithTheReasonAndPrintsItsAnswer() {
        CliRun run = CliRun.of("runs", "halt", "r1", "--runner-url", url(), "--reason", "pager went off");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(calls).containsExactly("POST /api/runs/r1/halt?reason=pager+went+off");
        assertThat(run.out()).contains("halt recorded for run r1").contains("\"sequence\":1");
    }

    @Test
    void everyActionHasItsOwnPath() {
        for (String action : List.of("approve", "resume", "cancel")) {
            assertThat(CliRun.of("runs", action, "r2", "--runner-url", url()).exitCode()).isZero();
        }
        assertThat(calls).containsExactly("POST /api/runs/r2/approve", "POST /api/runs/r2/resume",
                "POST /api/runs/r2/cancel");
    }

    @Test
    void conflictIsAUsageErrorWithTheRunnersReason() {
        status = 409;
        body = "{\"error\":\"the canary gate of run r1 is not reached yet (the canary is not verified)\"}";

        CliRun run = CliRun.of("runs", "approve", "r1", "--runner-url", url());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("HTTP 409").contains("not reached yet");
    }

    @Test
    void unknownRunExitsNotFoundAndMissingRoleSaysWhichRole() {
        status = 404;
        body = "{\"error\":\"the runner has not received any target of run nope\"}";
        assertThat(CliRun.of("runs", "cancel", "nope", "--runner-url", url()).exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);

        status = 403;
        CliRun forbidden = CliRun.of("runs", "approve", "r1", "--runner-url", url());
        assertThat(forbidden.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(forbidden.err()).contains("the approver role is required");
    }

    @Test
    void unreachableRunnerExitsUnreachable() {
        runner.stop(0);
        CliRun run = CliRun.of("runs", "halt", "r1", "--runner-url", url());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("patch-runner-svc not reachable");
    }
}
