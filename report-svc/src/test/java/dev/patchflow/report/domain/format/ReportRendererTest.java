package dev.patchflow.report.domain.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.RolloutView;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.RunRules;
import dev.patchflow.report.domain.RunState;
import dev.patchflow.report.domain.RunView;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.report.domain.ViewCounts;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.RunOutcome;

class ReportRendererTest {

    static final String XSS = "<script>alert('x')</script>";

    final ReportRenderer renderer = TestRenderer.create();

    static RunReport report() {
        CheckResult bad = new CheckResult("health", "command", false, "exit code 1: " + XSS);
        List<TargetView> targets = List.of(
                new TargetView("app-01", "app-01", "directory", "dev", "lz-dev-a", "1.0.0", true,
                        new BackupView("COMPLETED", "s3://patchflow/backups/r1/app-01.tar.gz", "ab".repeat(32), 2048L,
                                null, null),
                        new PatchView("APPLIED", 0, null, "s3://patchflow/logs/r1/app-01.log", "ok", 412L,
                                Map.of("executor", "process")),
                        new ValidationView("PASSED", List.of(new CheckResult("version", "version", true, "1.1.0")),
                                null)),
                new TargetView("app-02", "App, \"two\"", "directory", "dev", "lz-dev-a", "1.0.0", true,
                        new BackupView("SKIPPED", null, null, null, "backup phase off", null),
                        new PatchView("APPLIED", 0, null, null, null, 10L, Map.of()),
                        new ValidationView("FAILED", List.of(bad), List.of(bad))),
                new TargetView("app-03", "app-03", "static", "prod", "lz-b", null, true,
                        new BackupView("FAILED", null, null, null, null, "disk full"),
                        new PatchView("FAILED", null, "not patched: backup failed: disk full", null, null, null,
                                Map.of()),
                        null));
        RunView run = new RunView("r1", RunState.COMPLETED, Fixtures.context("r1"), true, true, 3, false, null, 3,
                RunOutcome.FAILED, ViewCounts.of(targets), Instant.parse("2026-11-20T09:00:00Z"),
                Instant.parse("2026-11-20T09:01:00Z"), "s3://patchflow/reports/r1/");
        return RunRules.report(run, targets);
    }

    @Test
    void csvHasAHeaderAndOneRowPerTargetWithFailedChecksAndReasons() throws Exception {
        String csv = new String(renderer.csv(report()), StandardCharsets.UTF_8);

        assertThat(csv.lines().findFirst().orElseThrow()).isEqualTo(
                "targetId,name,kind,environment,landingZone,installedVersion,status,phase,backupStatus,backupLocation,"
                        + "backupSha256,backupSizeBytes,patchStatus,patchExitCode,patchDurationMs,patchOutputLocation,"
                        + "validationStatus,failedChecks,reason,details,"
                        // an EC2 instance's columns (seed 004), empty for these directory targets
                        + "instanceId,accountId,region,availabilityZone,instanceType,platform,privateIp,ssmStatus,"
                        + "ssmAgentVersion,initialState,currentState,powerRestored,amiId,amiCreatedAt,"
                        + "amiRetainUntil,ssmCommandId");
        MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv);
        List<Map<String, String>> all = rows.readAll();
        assertThat(all).hasSize(3);
        assertThat(all.get(0)).containsEntry("status", "SUCCEEDED").containsEntry("backupSizeBytes", "2048")
                .containsEntry("patchOutputLocation", "s3://patchflow/logs/r1/app-01.log")
                .containsEntry("details", "executor=process");
        assertThat(all.get(1)).containsEntry("name", "App, \"two\"").containsEntry("status", "FAILED")
                .containsEntry("failedChecks", "health: exit code 1: " + XSS);
        assertThat(all.get(2)).containsEntry("backupStatus", "FAILED")
                .containsEntry("reason", "not patched: backup failed: disk full");
    }

    @Test
    void jsonIsTheApiViewOfTheRun() throws Exception {
        JsonNode json = EventJson.mapper().readTree(renderer.json(report()));

        assertThat(json.get("runId").asText()).isEqualTo("r1");
        assertThat(json.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(json.get("outcome").asText()).isEqualTo("FAILED");
        assertThat(json.has("reason")).isTrue();
        assertThat(json.get("patch").get("version").asText()).isEqualTo("1.1.0");
        assertThat(json.get("requestedAt").asText()).isEqualTo("2026-11-20T09:00:00Z");
        assertThat(json.get("expectedTargets").asInt()).isEqualTo(3);
        assertThat(json.get("counts").get("failed").asInt()).isEqualTo(2);
        assertThat(json.get("counts").get("succeeded").asInt()).isEqualTo(1);
        assertThat(json.get("targets")).hasSize(3);
        JsonNode t = json.get("targets").get(1);
        assertThat(t.get("phase").asText()).isEqualTo("FAILED");
        assertThat(t.get("validation").get("failed").get(0).get("name").asText()).isEqualTo("health");
        assertThat(t.get("backup").get("status").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void xmlValidatesAgainstTheRunReportXsd() throws Exception {
        byte[] xml = renderer.xml(report());
        var schemaUrl = getClass().getClassLoader().getResource("schemas/xsd/run-report.xsd");
        assertThat(schemaUrl).as("run-report.xsd on the classpath (schemas artifact)").isNotNull();
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(schemaUrl);

        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
        // Left in target/ so that `xmllint --schema ../schemas/xsd/run-report.xsd target/report-sample.xml` can check it too.
        java.nio.file.Files.write(java.nio.file.Path.of("target", "report-sample.xml"), xml);
        String text = new String(xml, StandardCharsets.UTF_8);
        assertThat(text).contains("<run runId=\"r1\" state=\"COMPLETED\" outcome=\"FAILED\"")
                .contains("<target id=\"app-03\" status=\"FAILED\" phase=\"FAILED\">");
    }

    @Test
    void xmlThatBreaksTheSchemaIsRejectedByIt() throws Exception {
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getClassLoader().getResource("schemas/xsd/run-report.xsd"));
        String broken = new String(renderer.xml(report()), StandardCharsets.UTF_8).replace("state=\"COMPLETED\"",
                "state=\"DONE\"");

        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new StringReader(broken))))
                .hasMessageContaining("DONE");
    }

    @Test
    void htmlIsSelfContainedAndEscapesAScriptInAReason() {
        String html = new String(renderer.html(report()), StandardCharsets.UTF_8);

        assertThat(html).contains("<style>").doesNotContain("<script").doesNotContain("<link")
                .doesNotContain("src=\"http");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assertThat(html).contains("app-01").contains("app-02").contains("not patched: backup failed: disk full");
    }

    /** The row prints an absent value as nothing (the template has no {@code ?: ''} for them). */
    @Test
    void aTargetWithoutKindEnvironmentVersionOrReasonShowsEmptyCells() {
        TargetView bare = new TargetView("app-04", "app-04", null, null, null, null, false, null, null, null);
        RunView run = new RunView("r4", RunState.RUNNING, Fixtures.context("r4"), true, false, 0, false, null, 0,
                null, ViewCounts.of(List.of(bare)), Instant.parse("2026-11-20T09:00:00Z"), null, null);
        String html = new String(renderer.html(RunRules.report(run, List.of(bare))), StandardCharsets.UTF_8);

        String row = html.substring(html.indexOf("<td><b>app-04</b>"), html.indexOf("</tr>", html.indexOf("app-04")));
        assertThat(row).contains("<td></td>\n    <td></td>\n    <td class=\"mono\"></td>")
                .contains("<td class=\"reason\"></td>").doesNotContain("null").doesNotContain("NOT_FOUND");
    }

    /** A dry run (drift audit) of a database cluster whose clone test had failed in an earlier phase. */
    static RunReport clusterReport() {
        List<TargetView> targets = List.of(
                new TargetView("pg.node1", "node1", "postgres-patroni", "prod", "lz-db", "15.8", true, null,
                        new PatchView("DRY_RUN", null, null, null, null, 5L, Map.of("drift", "true", "versionFound",
                                "15.8", "versionWanted", "15.9")),
                        null),
                new TargetView("pg.node2", "node2", "postgres-patroni", "prod", "lz-db", "15.9", true, null,
                        new PatchView("DRY_RUN", null, null, null, null, 5L, Map.of("drift", "false", "versionFound",
                                "15.9", "versionWanted", "15.9")),
                        null));
        RolloutView rollout = new RolloutView(false, null, null, false, null, null, List.of(), List.of(
                new RolloutView.ClusterPhase("e1", "pg", "postgres-patroni", "PREFLIGHT", true, null,
                        List.of(new CheckResult("backup", "backup", true, "taken 60s ago")), Map.of(),
                        Instant.parse("2026-11-20T09:00:30Z")),
                new RolloutView.ClusterPhase("e2", "pg", "postgres-patroni", "CLONE_TEST", false,
                        "update: update exited with 7", List.of(new CheckResult("update", "clone-update", false,
                                "update exited with 7 " + XSS)),
                        Map.of(), Instant.parse("2026-11-20T09:00:40Z"))));
        RunView run = new RunView("r2", RunState.COMPLETED, Fixtures.context("r2"), true, true, 2, false, null, 2,
                null, ViewCounts.of(targets), Instant.parse("2026-11-20T09:00:00Z"),
                Instant.parse("2026-11-20T09:01:00Z"), null, rollout);
        return RunRules.report(run, targets);
    }

    @Test
    void listsDriftedTargetsAndEachClusterPhaseInEveryFormat() throws Exception {
        RunReport report = clusterReport();
        assertThat(report.drift()).containsExactly(new RunReport.Drift("pg.node1", "15.8", "15.9"));
        assertThat(report.reason()).isEqualTo("clone test of cluster pg failed: update: update exited with 7");

        JsonNode json = EventJson.mapper().readTree(renderer.json(report));
        assertThat(json.get("drift").get(0).get("targetId").asText()).isEqualTo("pg.node1");
        assertThat(json.get("rollout").get("clusters").get(1).get("phase").asText()).isEqualTo("CLONE_TEST");

        String html = new String(renderer.html(report), StandardCharsets.UTF_8);
        assertThat(html).contains("<h2>Database clusters</h2>").contains("CLONE_TEST").contains("<h2>Drift</h2>")
                .contains("&lt;script&gt;").doesNotContain(XSS);

        byte[] xml = renderer.xml(report);
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getClassLoader().getResource("schemas/xsd/run-report.xsd"));
        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
        assertThat(new String(xml, StandardCharsets.UTF_8))
                .contains(
                        "<clusterPhase clusterId=\"pg\" engine=\"postgres-patroni\" phase=\"CLONE_TEST\" passed=\"false\">")
                .contains("<driftedTarget id=\"pg.node1\" versionFound=\"15.8\" versionWanted=\"15.9\"/>");
    }

    @Test
    void aFailedPreflightRejectsTheRunAndAFailedCloneTestFailsIt() {
        RolloutView preflight = new RolloutView(false, null, null, false, null, null, List.of(), List.of(
                new RolloutView.ClusterPhase("e1", "pg", "postgres-patroni", "PREFLIGHT", false, "backup: stale",
                        List.of(), Map.of(), Instant.parse("2026-11-20T09:00:30Z"))));
        RunView run = new RunView("r3", RunState.COMPLETED, Fixtures.context("r3"), true, true, 0, false, null, 0,
                null, null, Instant.parse("2026-11-20T09:00:00Z"), null, null, preflight);

        assertThat(RunRules.outcome(run, ViewCounts.of(List.of()))).isEqualTo(RunOutcome.REJECTED);
        assertThat(RunRules.reason(run)).isEqualTo("preflight of cluster pg failed: backup: stale");
        assertThat(RunRules.outcome(clusterRun(), ViewCounts.of(List.of()))).isEqualTo(RunOutcome.FAILED);
    }

    private static RunView clusterRun() {
        RunReport r = clusterReport();
        return new RunView("r2", RunState.COMPLETED, Fixtures.context("r2"), true, true, 0, false, null, 0, null, null,
                Instant.parse("2026-11-20T09:00:00Z"), null, null, r.rollout());
    }
}
