package dev.patchflow.patchctl.report;

import static dev.patchflow.patchctl.testing.FakeReportApi.counts;
import static dev.patchflow.patchctl.testing.FakeReportApi.notFound;
import static dev.patchflow.patchctl.testing.FakeReportApi.run;
import static dev.patchflow.patchctl.testing.FakeReportApi.target;
import static dev.patchflow.patchctl.testing.FakeReportApi.unavailable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.patchctl.testing.FakeReportApi;

class RunFollowerTest {

    private final StringWriter output = new StringWriter();
    private final PrintWriter out = new PrintWriter(output, true);
    private FakeReportApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private RunFollower follower(String url, Duration unreachableTimeout) {
        return new RunFollower(new ReportApi(url, Duration.ofMillis(500), Duration.ofSeconds(2)), out,
                Clock.systemDefaultZone(), Duration.ofMillis(20), unreachableTimeout);
    }

    @Test
    void waitsThrough404AndOutagesAndPrintsALineOnlyWhenCountsChange() throws IOException {
        String empty = "[]";
        api = new FakeReportApi().script("r1", notFound(), notFound(), unavailable(),
                run("r1", "RUNNING", null, 6, counts(6, 6, 0, 0, 0, 0), empty),
                run("r1", "RUNNING", null, 6, counts(6, 6, 0, 0, 0, 0), empty),
                run("r1", "RUNNING", null, 6, counts(6, 6, 5, 1, 0, 0), empty),
                run("r1", "RUNNING", null, 6, counts(6, 6, 5, 1, 0, 0), empty),
                run("r1", "COMPLETED", "FAILED", 6, counts(6, 6, 5, 1, 4, 1),
                        "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + "]"));

        RunView run = follower(api.url(), Duration.ofSeconds(5)).follow("r1", Duration.ofSeconds(10));

        assertThat(run.completed()).isTrue();
        assertThat(run.outcome()).isEqualTo("FAILED");
        assertThat(run.targets()).extracting(RunView.TargetView::targetId).containsExactly("app-01");
        assertThat(output.toString().lines().map(line -> line.replaceFirst("^\\[\\d\\d:\\d\\d:\\d\\d] ", "")))
                .containsExactly("waiting for report-svc at " + api.url() + " to see run r1",
                        "GET " + api.url() + "/api/runs/r1 answered 503: starting; retrying for up to 5s",
                        "report-svc is back",
                        "scanned 6/6  backed up 6  patched 0  validated 0  failed 0",
                        "scanned 6/6  backed up 6  patched 5  validated 0  failed 1",
                        "scanned 6/6  backed up 6  patched 5  validated 5  failed 2");
    }

    @Test
    void stopsFollowingWhenTheRunHaltsAndNamesTheCauseAndTheCommandsThatMoveItOn() throws IOException {
        String reason = "4 failures exceed the error budget of 3";
        String targets = "[" + target("a", "FAILED", "FAILED", "exit code 3: disk full") + ","
                + target("e", "PENDING", "BACKED_UP", "run halted: " + reason) + ","
                + target("f", "PENDING", "BACKED_UP", "run halted: " + reason) + "]";
        api = new FakeReportApi().script("r3", run("r3", "RUNNING", null, 6, counts(6, 6, 0, 1, 0, 0), "[]"),
                FakeReportApi.haltedRun("r3", "BUDGET_EXCEEDED", reason, 6, counts(6, 6, 0, 4, 0, 0), targets));

        RunView run = follower(api.url(), Duration.ofSeconds(5)).follow("r3", Duration.ofSeconds(10));
        HaltNotice.print(run, out);

        assertThat(run.halted()).isTrue();
        assertThat(run.haltCause()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(run.pendingTargets()).extracting(RunView.TargetView::targetId).containsExactly("e", "f");
        assertThat(output.toString().lines().filter(l -> !l.startsWith("["))).containsExactly(
                "run r3: HALTED (BUDGET_EXCEEDED) - " + reason, "6 targets, 0 succeeded, 4 failed, 2 waiting",
                "failed targets:", "  a  exit code 3: disk full", "resume it:  patchctl runs resume r3",
                "cancel it:  patchctl runs cancel r3");
    }

    @Test
    void toleratesAReportServiceThatStartsLate() throws Exception {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        CompletableFuture<RunView> following = CompletableFuture
                .supplyAsync(() -> follower(url, Duration.ofSeconds(20)).follow("r2", Duration.ofSeconds(30)));

        await().atMost(Duration.ofSeconds(10)).until(() -> output.toString().contains("not reachable at " + url));
        api = new FakeReportApi(port).script("r2", run("r2", "COMPLETED", "SUCCEEDED", 1, counts(1, 1, 1, 0, 1, 0),
                "[]"));

        RunView run = following.get(30, TimeUnit.SECONDS);
        assertThat(run.outcome()).isEqualTo("SUCCEEDED");
        assertThat(output.toString()).contains("report-svc is back");
    }

    @Test
    void givesUpNamingTheUrlWhenReportServiceStaysUnreachable() throws IOException {
        String url = "http://127.0.0.1:" + freePort();
        long started = System.nanoTime();

        assertThatThrownBy(() -> follower(url, Duration.ofMillis(500)).follow("r3", Duration.ofMinutes(5)))
                .isInstanceOf(ReportApiUnreachableException.class)
                .hasMessageContaining("report-svc not reachable at " + url);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void timesOutWithTheLastProgressWhenTheRunNeverCompletes() throws IOException {
        api = new FakeReportApi().script("r4", run("r4", "RUNNING", null, 2, counts(2, 1, 0, 0, 0, 0), "[]"));

        assertThatThrownBy(() -> follower(api.url(), Duration.ofSeconds(5)).follow("r4", Duration.ofMillis(300)))
                .isInstanceOf(FollowTimeoutException.class)
                .hasMessageContaining("run r4 did not complete")
                .hasMessageContaining("scanned 2/2  backed up 1");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
