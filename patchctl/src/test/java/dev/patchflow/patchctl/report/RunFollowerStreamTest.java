package dev.patchflow.patchctl.report;

import static dev.patchflow.patchctl.testing.FakeReportApi.counts;
import static dev.patchflow.patchctl.testing.FakeReportApi.haltedRun;
import static dev.patchflow.patchctl.testing.FakeReportApi.heartbeat;
import static dev.patchflow.patchctl.testing.FakeReportApi.run;
import static dev.patchflow.patchctl.testing.FakeReportApi.sse;
import static dev.patchflow.patchctl.testing.FakeReportApi.streamOf;
import static dev.patchflow.patchctl.testing.FakeReportApi.streamThenSilence;
import static dev.patchflow.patchctl.testing.FakeReportApi.streamUnknownRun;
import static dev.patchflow.patchctl.testing.FakeReportApi.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.patchctl.testing.FakeReportApi;

/**
 * {@code --follow} over report-svc's live stream (server-sent events), against a fake report-svc: progress lines as
 * summaries arrive, the run read once with its targets at the end, reconnection after the stream ends, breaks or
 * goes silent, and polling only for a report-svc without the stream.
 */
class RunFollowerStreamTest {

    private final StringWriter output = new StringWriter();
    private final PrintWriter out = new PrintWriter(output, true);
    private FakeReportApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private RunFollower follower(Duration idle) {
        return new RunFollower(new ReportApi(api.url(), Duration.ofMillis(500), Duration.ofSeconds(2)), out,
                Clock.systemDefaultZone(), Duration.ofMillis(20), Duration.ofSeconds(5), idle);
    }

    private List<String> lines() {
        return output.toString().lines().map(line -> line.replaceFirst("^\\[\\d\\d:\\d\\d:\\d\\d] ", "")).toList();
    }

    @Test
    void printsEachSummaryAsItArrivesReconnectsWhenTheStreamEndsAndReadsTheRunOnceAtTheEnd() throws IOException {
        String empty = "[]";
        api = new FakeReportApi()
                .stream("r5", streamUnknownRun("r5"),
                        streamOf(sse(run("r5", "RUNNING", null, 6, counts(6, 6, 0, 0, 0, 0), empty)), heartbeat(),
                                sse(run("r5", "RUNNING", null, 6, counts(6, 6, 5, 1, 0, 0), empty))),
                        // report-svc restarted: the new stream starts with the same summary, then the end.
                        streamOf(sse(run("r5", "RUNNING", null, 6, counts(6, 6, 5, 1, 0, 0), empty)),
                                sse(run("r5", "COMPLETED", "FAILED", 6, counts(6, 6, 5, 1, 4, 1), empty))))
                .script("r5", run("r5", "COMPLETED", "FAILED", 6, counts(6, 6, 5, 1, 4, 1),
                        "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + "]"));

        RunView run = follower(Duration.ofSeconds(10)).follow("r5", Duration.ofSeconds(20));

        assertThat(run.completed()).isTrue();
        assertThat(run.outcome()).isEqualTo("FAILED");
        assertThat(run.targets()).as("read with its targets at the end").extracting(RunView.TargetView::targetId)
                .containsExactly("app-01");
        assertThat(lines()).containsExactly("waiting for report-svc at " + api.url() + " to see run r5",
                "scanned 6/6  backed up 6  patched 0  validated 0  failed 0",
                "scanned 6/6  backed up 6  patched 5  validated 0  failed 1",
                "scanned 6/6  backed up 6  patched 5  validated 5  failed 2");
        assertThat(api.requests()).as("no polling: three stream connections, one read at the end")
                .containsExactly("GET /api/runs/r5/stream", "GET /api/runs/r5/stream", "GET /api/runs/r5/stream",
                        "GET /api/runs/r5");
    }

    @Test
    void endsOnAHaltWithTheRunToNameItsCauseAndCommands() throws IOException {
        String reason = "4 failures exceed the error budget of 3";
        String targets = "[" + target("a", "FAILED", "FAILED", "exit code 3: disk full") + ","
                + target("e", "PENDING", "BACKED_UP", "run halted: " + reason) + "]";
        api = new FakeReportApi()
                .stream("r6", streamThenSilence(10_000,
                        sse(run("r6", "RUNNING", null, 2, counts(2, 2, 0, 1, 0, 0), "[]")),
                        sse(haltedRun("r6", "BUDGET_EXCEEDED", reason, 2, counts(2, 2, 0, 1, 0, 0), "[]"))))
                .script("r6", haltedRun("r6", "BUDGET_EXCEEDED", reason, 2, counts(2, 2, 0, 1, 0, 0), targets));

        RunView run = follower(Duration.ofSeconds(10)).follow("r6", Duration.ofSeconds(20));
        HaltNotice.print(run, out);

        assertThat(run.halted()).isTrue();
        assertThat(run.pendingTargets()).extracting(RunView.TargetView::targetId).containsExactly("e");
        assertThat(lines()).contains("resume it:  patchctl runs resume r6", "cancel it:  patchctl runs cancel r6");
    }

    @Test
    void opensTheStreamAgainWhenItStaysSilentLongerThanTheIdleTimeout() throws IOException {
        api = new FakeReportApi()
                .stream("r7", streamThenSilence(10_000, sse(run("r7", "RUNNING", null, 1, counts(1, 0, 0, 0, 0, 0),
                        "[]"))),
                        streamOf(sse(run("r7", "COMPLETED", "SUCCEEDED", 1, counts(1, 1, 1, 0, 1, 0), "[]"))))
                .script("r7", run("r7", "COMPLETED", "SUCCEEDED", 1, counts(1, 1, 1, 0, 1, 0), "[]"));

        long started = System.nanoTime();
        RunView run = follower(Duration.ofMillis(500)).follow("r7", Duration.ofSeconds(20));

        assertThat(run.outcome()).isEqualTo("SUCCEEDED");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not held by the silent stream")
                .isLessThan(Duration.ofSeconds(8));
        assertThat(api.requests()).containsExactly("GET /api/runs/r7/stream", "GET /api/runs/r7/stream",
                "GET /api/runs/r7");
    }

    @Test
    void pollsWhenReportServiceHasNoStream() throws IOException {
        // No stream scripted: the fake answers 404 without naming the run, as an older report-svc does.
        api = new FakeReportApi().script("r8", run("r8", "RUNNING", null, 1, counts(1, 0, 0, 0, 0, 0), "[]"),
                run("r8", "COMPLETED", "SUCCEEDED", 1, counts(1, 1, 1, 0, 1, 0), "[]"));

        RunView run = follower(Duration.ofSeconds(10)).follow("r8", Duration.ofSeconds(20));

        assertThat(run.outcome()).isEqualTo("SUCCEEDED");
        assertThat(api.requests()).containsExactly("GET /api/runs/r8/stream", "GET /api/runs/r8", "GET /api/runs/r8");
    }

    @Test
    void timesOutOnAStreamThatNeverEndsWithTheLastProgress() throws IOException {
        api = new FakeReportApi().stream("r9", streamThenSilence(10_000,
                sse(run("r9", "RUNNING", null, 2, counts(2, 1, 0, 0, 0, 0), "[]")), heartbeat()));

        assertThatThrownBy(() -> follower(Duration.ofSeconds(10)).follow("r9", Duration.ofMillis(800)))
                .isInstanceOf(FollowTimeoutException.class).hasMessageContaining("run r9 did not complete")
                .hasMessageContaining("scanned 2/2  backed up 1");
    }

    @Test
    void parsesTheEventStreamFormat() {
        EventStreamParser parser = new EventStreamParser();
        assertThat(parser.line(": heartbeat")).isEmpty();
        assertThat(parser.line("")).as("a comment alone is no event").isEmpty();
        assertThat(parser.line("event: run")).isEmpty();
        assertThat(parser.line("id: 7")).isEmpty();
        assertThat(parser.line("data: {\"a\":")).isEmpty();
        assertThat(parser.line("data:1}")).isEmpty();
        assertThat(parser.line("retry: 100")).isEmpty();
        assertThat(parser.line("")).contains(new ServerSentEvent("run", "7", "{\"a\":\n1}"));
        assertThat(parser.line("data")).isEmpty();
        assertThat(parser.line("")).contains(new ServerSentEvent("message", "7", ""));
    }
}
