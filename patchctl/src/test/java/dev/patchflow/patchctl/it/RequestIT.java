package dev.patchflow.patchctl.it;

import static dev.patchflow.patchctl.testing.FakeReportApi.counts;
import static dev.patchflow.patchctl.testing.FakeReportApi.notFound;
import static dev.patchflow.patchctl.testing.FakeReportApi.run;
import static dev.patchflow.patchctl.testing.FakeReportApi.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.patchctl.cli.CliRun;
import dev.patchflow.patchctl.cli.ExitCodes;
import dev.patchflow.patchctl.testing.FakeReportApi;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.Phases;

/** {@code patchctl request} against a real KRaft broker, followed through a scripted report API. */
class RequestIT {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(stack -> stack.mongo(false).s3(false));

    @TempDir
    Path dir;
    Path fleet;
    FakeReportApi reportApi;

    @BeforeEach
    void setUp() throws IOException {
        fleet = Files.createDirectories(dir.resolve("fleet"));
        reportApi = new FakeReportApi();
    }

    @AfterEach
    void tearDown() {
        reportApi.close();
    }

    private CliRun request(String runId, String... flags) {
        List<String> args = new ArrayList<>(List.of("request", "--bootstrap-servers",
                STACK.stack().kafkaBootstrapServers(), "--report-url", reportApi.url(), "--inventory",
                fleet.toString(), "--patch-id", "demo-app", "--patch-version", "1.1.0", "--run-id", runId,
                "--poll-interval", "50ms", "--output-dir", dir.resolve("reports").toString()));
        args.addAll(List.of(flags));
        return CliRun.of(args);
    }

    @Test
    void publishesACloudEventKeyedByRunIdThatDecodesToTheRequest() {
        CliRun run = request("it-publish", "--command", "sh apply.sh 'two words'", "--landing-zones", "lz-a,lz-b",
                "--label", "team=payments", "--requested-by", "alice", "--no-validation", "--max-concurrency", "50%");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).isEqualTo("it-publish" + System.lineSeparator());

        ConsumerRecord<String, byte[]> record = KafkaRecords.awaitRecord(STACK.stack().kafkaBootstrapServers(),
                Topics.REQUESTS, "it-publish");
        Map<String, String> headers = EventCodec.headerMap(record.headers());
        assertThat(headers).containsEntry(CloudEventHeaders.TYPE, "dev.patchflow.PatchRequested")
                .containsEntry(CloudEventHeaders.SOURCE, "/patchflow/patchctl")
                .containsEntry(CloudEventHeaders.SPEC_VERSION, "1.0")
                .containsEntry(CloudEventHeaders.RUN_ID, "it-publish")
                .containsEntry(CloudEventHeaders.SUBJECT, "it-publish")
                .containsEntry(CloudEventHeaders.CONTENT_TYPE, "application/json")
                .containsEntry(CloudEventHeaders.ID, EventIds.of(EventType.PATCH_REQUESTED, "it-publish", null, 0));

        CloudEvent<PatchRequested> event = new EventCodec().decode(record).as(PatchRequested.class);
        PatchRequested request = event.data();
        assertThat(request.runId()).isEqualTo("it-publish");
        assertThat(request.requestedBy()).isEqualTo("alice");
        assertThat(request.requestedAt()).isNotNull();
        assertThat(request.patch().command()).containsExactly("sh", "apply.sh", "two words");
        assertThat(request.targets().provider()).isEqualTo("directory");
        assertThat(request.targets().source()).isEqualTo(fleet.toAbsolutePath().toString());
        assertThat(request.targets().landingZones()).containsExactly("lz-a", "lz-b");
        assertThat(request.targets().labels()).containsEntry("team", "payments");
        assertThat(request.options().phases()).isEqualTo(new Phases(true, true, false));
        assertThat(request.options().rollout().maxConcurrency()).isEqualTo("50%");
    }

    @Test
    void followPrintsProgressDownloadsTheReportsAndEndsWithTheFolder() throws IOException {
        reportApi.script("it-follow", notFound(),
                run("it-follow", "RUNNING", null, 2, counts(2, 1, 0, 0, 0, 0), "[]"),
                run("it-follow", "RUNNING", null, 2, counts(2, 2, 2, 0, 1, 0), "[]"),
                run("it-follow", "COMPLETED", "SUCCEEDED", 2, counts(2, 2, 2, 0, 2, 0),
                        "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + ","
                                + target("app-02", "SUCCEEDED", "VALIDATED", null) + "]"))
                .reports("it-follow");

        CliRun run = request("it-follow", "--command", "true", "--follow", "--follow-timeout", "60s");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        Path folder = dir.resolve("reports").resolve("it-follow").toAbsolutePath();
        assertThat(run.outLines().get(0)).isEqualTo("it-follow");
        assertThat(run.out()).contains("to see run it-follow", "scanned 2/2  backed up 1  patched 0",
                "scanned 2/2  backed up 2  patched 2  validated 2  failed 0",
                "run it-follow: SUCCEEDED - 2 targets, 2 succeeded, 0 failed");
        assertThat(run.lastOutLine()).isEqualTo(folder.toString());
        for (String file : List.of("report.csv", "report.json", "report.html", "report.xml")) {
            assertThat(folder.resolve(file)).isRegularFile();
        }
        assertThat(Files.readString(folder.resolve("report.xml"), StandardCharsets.UTF_8))
                .isEqualTo("<run id=\"it-follow\"/>");
        // The request really went out before following started.
        assertThat(KafkaRecords.awaitRecord(STACK.stack().kafkaBootstrapServers(), Topics.REQUESTS, "it-follow"))
                .isNotNull();
    }

    @Test
    void followEndsOnAHaltWithItsExitCodeTheCauseAndTheResumeAndCancelCommands() {
        String reason = "4 failures exceed the error budget of 3";
        reportApi.script("it-halted", run("it-halted", "RUNNING", null, 6, counts(6, 6, 0, 2, 0, 0), "[]"),
                FakeReportApi.haltedRun("it-halted", "BUDGET_EXCEEDED", reason, 6, counts(6, 6, 0, 4, 0, 0),
                        "[" + target("app-01", "FAILED", "FAILED", "exit code 3: disk full") + ","
                                + target("app-05", "PENDING", "BACKED_UP", "run halted: " + reason) + "]"));

        CliRun run = request("it-halted", "--command", "false", "--max-errors", "3", "--max-concurrency", "1",
                "--follow", "--follow-timeout", "60s");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.RUN_HALTED).isEqualTo(9);
        assertThat(run.out()).contains("run it-halted: HALTED (BUDGET_EXCEEDED) - " + reason,
                "  app-01  exit code 3: disk full");
        assertThat(run.outLines()).endsWith("resume it:  patchctl runs resume it-halted",
                "cancel it:  patchctl runs cancel it-halted");
        // A halted run is not over: nothing was downloaded.
        assertThat(dir.resolve("reports").resolve("it-halted")).doesNotExist();
    }

    @Test
    void followExitsFailedAndNamesEachFailedTargetWithItsReason() {
        reportApi.script("it-failed", run("it-failed", "COMPLETED", "FAILED", 2, counts(2, 2, 1, 1, 1, 0),
                "[" + target("app-01", "SUCCEEDED", "VALIDATED", null) + ","
                        + target("app-02", "FAILED", "FAILED", "not patched: exit code 7") + "]"))
                .reports("it-failed");

        CliRun run = request("it-failed", "--command", "true", "--follow");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.RUN_FAILED);
        assertThat(run.out()).contains("run it-failed: FAILED - 2 targets, 1 succeeded, 1 failed",
                "app-02  not patched: exit code 7").doesNotContain("app-01  ");
        assertThat(run.lastOutLine()).isEqualTo(dir.resolve("reports/it-failed").toAbsolutePath().toString());
    }

    @Test
    void followExitsRejectedWithTheReasonEvenWithoutReports() {
        reportApi.script("it-rejected", new FakeReportApi.Response(200, """
                {"runId": "it-rejected", "state": "COMPLETED", "outcome": "REJECTED",
                 "reason": "inventory not readable: /nope", "counts": {}, "targets": []}
                """));

        CliRun run = request("it-rejected", "--command", "true", "--follow", "--unreachable-timeout", "300ms");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.RUN_REJECTED);
        assertThat(run.out()).contains("run it-rejected: REJECTED - inventory not readable: /nope");
        assertThat(run.err()).contains("has no report.csv, report.json, report.html, report.xml for run it-rejected");
        assertThat(run.lastOutLine()).as("no folder without reports")
                .isEqualTo("run it-rejected: REJECTED - inventory not readable: /nope");
        assertThat(dir.resolve("reports/it-rejected")).doesNotExist();
    }

    @Test
    void followGivesUpAfterTheFollowTimeout() {
        reportApi.script("it-slow", run("it-slow", "RUNNING", null, 3, counts(1, 0, 0, 0, 0, 0), "[]"));

        CliRun run = request("it-slow", "--command", "true", "--follow", "--follow-timeout", "500ms");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.FOLLOW_TIMEOUT);
        assertThat(run.err()).contains("run it-slow did not complete", "scanned 1/3");
    }
}
