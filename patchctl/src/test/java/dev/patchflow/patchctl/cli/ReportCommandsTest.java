package dev.patchflow.patchctl.cli;

import static dev.patchflow.patchctl.testing.FakeReportApi.counts;
import static dev.patchflow.patchctl.testing.FakeReportApi.run;
import static dev.patchflow.patchctl.testing.FakeReportApi.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.patchctl.testing.FakeReportApi;

/** {@code report}, {@code runs list} and {@code runs show} against a scripted report API. */
class ReportCommandsTest {

    @TempDir
    Path dir;
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
    void reportDownloadsTheFourFilesAndPrintsTheFolderLast() throws IOException {
        api.reports("r1");

        CliRun run = CliRun.of("report", "r1", "--report-url", api.url(), "--output-dir", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        Path folder = dir.resolve("r1").toAbsolutePath();
        assertThat(run.lastOutLine()).isEqualTo(folder.toString());
        assertThat(Files.readString(folder.resolve("report.csv"))).isEqualTo("targetId,status\napp-01,SUCCEEDED\n");
        assertThat(Files.readString(folder.resolve("report.json"))).isEqualTo("{\"runId\":\"r1\"}");
        assertThat(Files.readString(folder.resolve("report.html"))).contains("<html>");
        assertThat(Files.readString(folder.resolve("report.xml"))).isEqualTo("<run id=\"r1\"/>");
        try (var files = Files.list(folder)) {
            assertThat(files.map(file -> file.getFileName().toString())).as("no partial downloads left")
                    .containsExactlyInAnyOrder("report.csv", "report.json", "report.html", "report.xml");
        }
    }

    @Test
    void reportOfAnUnknownRunExitsNotFound() {
        CliRun run = CliRun.of("report", "nope", "--report-url", api.url(), "--output-dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("nope", api.url());
        assertThat(dir.resolve("nope")).as("no empty folder that looks like a report").doesNotExist();
    }

    @Test
    void reportExitsUnreachableNamingTheUrl() throws IOException {
        String url;
        try (ServerSocket socket = new ServerSocket(0)) {
            url = "http://127.0.0.1:" + socket.getLocalPort();
        }

        CliRun run = CliRun.of("report", "r1", "--report-url", url, "--output-dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("report-svc not reachable at " + url);
    }

    @Test
    void runsListShowsOneRowPerRun() {
        api.runList(
                """
                        [{"runId": "r2", "state": "RUNNING", "outcome": null, "patch": {"id": "demo-app", "version": "1.2.0"},
                          "requestedBy": "bob", "requestedAt": "2026-11-20T10:00:00Z", "expectedTargets": 3},
                         {"runId": "r1", "state": "COMPLETED", "outcome": "SUCCEEDED", "patch": {"id": "demo-app", "version": "1.1.0"},
                          "requestedBy": "alice", "requestedAt": "2026-11-20T09:00:00Z", "expectedTargets": 6}]
                        """);

        CliRun run = CliRun.of("runs", "list", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(1)).contains("r2", "RUNNING", "demo-app 1.2.0", "bob");
        assertThat(run.outLines().get(2)).contains("r1", "COMPLETED", "SUCCEEDED", "demo-app 1.1.0", "alice");
    }

    @Test
    void runsShowPrintsProgressTargetsAndWhyTheFailedOnesFailed() {
        api.script("r1", run("r1", "COMPLETED", "FAILED", 2, counts(2, 2, 1, 1, 1, 0),
                "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + ","
                        + target("app-02", "FAILED", "FAILED", "exit code 3: disk full") + "]"));

        CliRun run = CliRun.of("runs", "show", "r1", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("COMPLETED (FAILED)", "demo-app 1.1.0",
                "scanned 2/2  backed up 2  patched 1  validated 1  failed 1",
                "run r1: FAILED - 2 targets, 1 succeeded, 1 failed", "app-02  exit code 3: disk full");
    }

    @Test
    void runsShowOfAHaltedRunSaysWhyItsTargetsWaitAndHowToMoveItOn() {
        String reason = "4 failures exceed the error budget of 3";
        api.script("r4", FakeReportApi.haltedRun("r4", "BUDGET_EXCEEDED", reason, 6, counts(6, 6, 0, 4, 0, 0),
                "[" + target("app-05", "PENDING", "BACKED_UP", "run halted: " + reason) + "]"));

        CliRun run = CliRun.of("runs", "show", "r4", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("state      HALTED (BUDGET_EXCEEDED)", "reason     " + reason,
                "app-05                    PENDING           BACKED_UP   run halted: " + reason);
        assertThat(run.outLines()).endsWith("resume it:  patchctl runs resume r4",
                "cancel it:  patchctl runs cancel r4");
    }

    @Test
    void runsShowTargetPrintsTheTargetsStoryEventByEventWithItsFacts() {
        api.file("r5", "targets/app-01/history", """
                {"runId": "r5", "targetId": "app-01", "events": [
                 {"at": "2026-11-20T09:00:00Z", "type": "PatchRequested", "summary": "requested by alice",
                  "facts": {"requestedBy": "alice", "requestedAt": "2026-11-20T09:00:00Z", "patch": "demo-app 1.1.0"},
                  "eventId": "e1"},
                 {"at": "2026-11-20T09:00:03Z", "type": "BackupCompleted",
                  "summary": "restore point completed: s3://patchflow/backups/r5/app-01.tar.gz",
                  "facts": {"status": "COMPLETED", "location": "s3://patchflow/backups/r5/app-01.tar.gz",
                   "sha256": "%s", "verified": "true"}, "eventId": "e2"},
                 {"at": "2026-11-20T09:00:07Z", "type": "PatchApplied", "summary": "patch applied (process)",
                  "facts": {"status": "APPLIED", "exitCode": "0", "outputTail": "line 1\\nline 2",
                   "details.lockToken": "17", "details.adopted": "outcome of attempt 1"}, "eventId": "e3"}],
                 "somethingNew": true}
                """.formatted("a".repeat(64)));

        CliRun run = CliRun.of("runs", "show", "r5", "--target", "app-01", "--report-url", api.url());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsSubsequence("target app-01 of run r5: 3 events", "",
                "2026-11-20T09:00:00Z      PatchRequested      requested by alice", "    requestedBy: alice",
                "    requestedAt: 2026-11-20T09:00:00Z", "    patch: demo-app 1.1.0", "",
                "2026-11-20T09:00:03Z      BackupCompleted     restore point completed: "
                        + "s3://patchflow/backups/r5/app-01.tar.gz",
                "    status: COMPLETED", "    location: s3://patchflow/backups/r5/app-01.tar.gz",
                "    sha256: " + "a".repeat(64), "    verified: true", "",
                "2026-11-20T09:00:07Z      PatchApplied        patch applied (process)", "    status: APPLIED",
                "    exitCode: 0", "    outputTail: line 1", "                line 2", "    details.lockToken: 17",
                "    details.adopted: outcome of attempt 1");
    }

    @Test
    void runsShowOfAnUnknownTargetExitsNotFound() {
        CliRun run = CliRun.of("runs", "show", "r5", "--target", "ghost", "--report-url", api.url());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("does not know target ghost of run r5");
    }

    @Test
    void runsShowJsonPrintsTheApiAnswerUnchanged() {
        FakeReportApi.Response view = run("r1", "RUNNING", null, 2, counts(1, 0, 0, 0, 0, 0), "[]");
        api.script("r1", view);

        CliRun run = CliRun.of("runs", "show", "r1", "--json", "--report-url", api.url());

        assertThat(run.out().strip()).isEqualTo(view.body().strip());
    }

    @Test
    void runsShowOfAnUnknownRunExitsNotFound() {
        CliRun run = CliRun.of("runs", "show", "ghost", "--report-url", api.url());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(run.err()).contains("does not know run ghost");
    }
}
