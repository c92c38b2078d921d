package dev.patchflow.patchctl.cli;

import static dev.patchflow.patchctl.testing.FakeReportApi.counts;
import static dev.patchflow.patchctl.testing.FakeReportApi.haltedRun;
import static dev.patchflow.patchctl.testing.FakeReportApi.run;
import static dev.patchflow.patchctl.testing.FakeReportApi.sse;
import static dev.patchflow.patchctl.testing.FakeReportApi.streamOf;
import static dev.patchflow.patchctl.testing.FakeReportApi.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.patchctl.testing.FakeReportApi;

/** {@code patchctl runs watch <run>}: follows the run's live stream to its end, with the exit codes of --follow. */
class RunsWatchTest {

    FakeReportApi api;

    @BeforeEach
    void start() throws IOException {
        api = new FakeReportApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void watchesACompletingRunAndExitsWithItsOutcome() {
        api.stream("w1", streamOf(sse(run("w1", "RUNNING", null, 2, counts(2, 2, 1, 0, 0, 0), "[]")),
                sse(run("w1", "COMPLETED", "FAILED", 2, counts(2, 2, 1, 1, 1, 0), "[]"))))
                .script("w1", run("w1", "COMPLETED", "FAILED", 2, counts(2, 2, 1, 1, 1, 0),
                        "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + ","
                                + target("app-02", "FAILED", "FAILED", "exit code 3: disk full").replace(
                                        "\"patch\": {\"status\": \"APPLIED\", \"exitCode\": 0}",
                                        "\"patch\": {\"status\": \"FAILED\", \"exitCode\": 3}")
                                + "]"));

        CliRun run = CliRun.of("runs", "watch", "w1", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(run.out()).contains("scanned 2/2  backed up 2  patched 1  validated 0  failed 0")
                .contains("run w1: FAILED - 2 targets, 1 succeeded, 1 failed").contains("app-02");
        assertThat(api.requests()).containsExactly("GET /api/runs/w1/stream", "GET /api/runs/w1");
    }

    @Test
    void endsOnAHaltWithExitNineAndTheCommandsThatMoveItOn() {
        String reason = "1 failure exceeds the error budget of 0";
        api.stream("w2", streamOf(sse(haltedRun("w2", "OPERATOR", reason, 2, counts(2, 2, 0, 1, 0, 0), "[]"))))
                .script("w2", haltedRun("w2", "OPERATOR", reason, 2, counts(2, 2, 0, 1, 0, 0), "[]"));

        CliRun run = CliRun.of("runs", "watch", "w2", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.RUN_HALTED);
        assertThat(run.out()).contains("HALTED (OPERATOR)").contains("patchctl runs resume w2")
                .contains("patchctl runs cancel w2");
    }
}
