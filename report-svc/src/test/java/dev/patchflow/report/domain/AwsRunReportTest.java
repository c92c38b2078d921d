package dev.patchflow.report.domain;

import static dev.patchflow.report.support.AwsFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunOutcome;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * An AWS run (seed 004) through the projector and the finisher against a MongoDB-wire server: PowerStateRestored is
 * the terminal event of an instance the runner stops again, and the four archived reports carry the seed's columns
 * (inventory, environment and zone, AMI with creation time and retain-until, initial and current power state, SSM
 * status and command, validation results, the zones that could not be scanned).
 */
class AwsRunReportTest {

    EmbeddedMongo mongo;
    MongoViewStore store;
    MutableClock clock = new MutableClock();
    RecordingArchive archive = new RecordingArchive();
    RecordingPublisher publisher = new RecordingPublisher();
    ViewProjector projector;
    RunQueries queries;

    final Target running1 = instance(1, "running");
    final Target stopped2 = instance(2, "stopped");
    final Target running3 = instance(3, "running");
    final Target stopped4 = instance(4, "stopped");
    /** A target of another kind in the same run: the EC2 columns stay empty / absent for it. */
    final Target web = new Target("web-01", "web-01", Target.KIND_STATIC, "nonprod", ZONE, Map.of(), "10.0.1.1",
            "linux", "x86_64", "unknown", null, null, null, null);

    @BeforeEach
    void setUp() {
        mongo = new EmbeddedMongo();
        TestConfig config = new TestConfig();
        store = new MongoViewStore(mongo.client(), config);
        RunFinisher finisher = new RunFinisher(store, TestRenderer.create(), archive, publisher, clock);
        projector = new ViewProjector(store, finisher, clock);
        queries = new RunQueries(store, config);
    }

    @AfterEach
    void tearDown() {
        mongo.close();
    }

    /** Each event through the contract's codec first (schema validation), as the consumer receives it. */
    void apply(List<? extends PatchflowEvent> events) {
        for (PatchflowEvent e : events) {
            var event = Fixtures.event(e);
            projector.apply(CODEC.decode(CODEC.headers(event), CODEC.body(e)));
        }
    }

    static final EventCodec CODEC = new EventCodec();

    List<RunCompleted> completions(String runId) {
        return publisher.sent.stream().map(e -> e.data()).filter(d -> d.runId().equals(runId)).toList();
    }

    List<PatchflowEvent> realRun(RunContext c) {
        List<PatchflowEvent> events = new ArrayList<>(
                runUpToValidation(c, List.of(running1, stopped2, running3, stopped4, web)));
        // the static target's own story: nothing to archive, patched, validated
        events.removeIf(e -> e instanceof BackupCompleted b && b.target().equals(web));
        events.add(new BackupCompleted(c, web, BackupStatus.SKIPPED, null, null, null,
                "nothing to archive for static targets", Instant.parse("2026-11-20T09:05:00Z")));
        events.removeIf(e -> e instanceof PatchApplied p && p.target().equals(web));
        events.add(new PatchApplied(c, web, PatchStatus.APPLIED, 0, null, null, 10L, Map.of("executor", "ssm")));
        return events;
    }

    @Test
    void instancesStoppedAgainAreTerminalAtPowerStateRestoredNotAtTheirValidation() {
        RunContext c = context("aws-1", false);
        apply(realRun(c));

        assertThat(completions("aws-1")).as("two instances are still to be stopped again").isEmpty();
        TargetReport started = target("aws-1", "i-0a00000000000002");
        assertThat(started.aws().initialState()).isEqualTo("stopped");
        assertThat(started.aws().currentState()).as("started for patching").isEqualTo("running");
        assertThat(started.aws().powerRestored()).isNull();

        apply(List.of(powerRestored(c, stopped2)));
        assertThat(completions("aws-1")).isEmpty();
        apply(List.of(powerRestored(c, stopped4)));

        assertThat(completions("aws-1")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(done.counts()).isEqualTo(new RunCounts(5, 5, 0, 0, 0, 0));
        });
        TargetReport restored = target("aws-1", "i-0a00000000000002");
        assertThat(restored.aws().currentState()).isEqualTo("stopped");
        assertThat(restored.aws().powerRestored()).isTrue();
        assertThat(target("aws-1", "i-0a00000000000001").aws().currentState()).isEqualTo("running");
        assertThat(target("aws-1", "i-0a00000000000001").aws().powerRestored()).isNull();

        // redelivered: no second completion
        apply(List.of(powerRestored(c, stopped2), powerRestored(c, stopped4)));
        assertThat(completions("aws-1")).hasSize(1);
    }

    @Test
    void powerStateRestoredBeforeTheValidationStillWaitsForTheValidation() {
        RunContext c = context("aws-2", false);
        List<PatchflowEvent> events = new ArrayList<>(realRun(c));
        List<PatchflowEvent> validations = events.stream().filter(e -> e instanceof ValidationPassed).toList();
        events.removeAll(validations);
        apply(events);
        apply(List.of(powerRestored(c, stopped2), powerRestored(c, stopped4)));
        assertThat(completions("aws-2")).as("three targets not validated yet").isEmpty();

        apply(validations);

        assertThat(completions("aws-2")).singleElement()
                .satisfies(done -> assertThat(done.counts().targets()).isEqualTo(5));
    }

    @Test
    void theFourReportsCarryTheSeedColumnsAndTheZoneThatCouldNotBeScanned() throws Exception {
        RunContext c = context("aws-3", false);
        apply(realRun(c));
        apply(List.of(powerRestored(c, stopped2), powerRestored(c, stopped4)));
        assertThat(completions("aws-3")).hasSize(1);

        // CSV: the EC2 columns, empty for the static target; the denied zone as a row of its own
        List<Map<String, String>> rows = csv(file("aws-3", "report.csv"));
        assertThat(rows).extracting(r -> r.get("targetId")).containsExactly("i-0a00000000000001", "i-0a00000000000002",
                "i-0a00000000000003", "i-0a00000000000004",
                "web-01", "");
        Map<String, String> row = rows.get(1);
        assertThat(row).containsEntry("name", "app-2").containsEntry("environment", "nonprod")
                .containsEntry("landingZone", ZONE).containsEntry("status", "SUCCEEDED")
                .containsEntry("patchStatus", "APPLIED").containsEntry("validationStatus", "PASSED")
                .containsEntry("instanceId", "i-0a00000000000002").containsEntry("accountId", ACCOUNT)
                .containsEntry("region", REGION).containsEntry("availabilityZone", "eu-west-1a")
                .containsEntry("instanceType", "t3.medium").containsEntry("platform", "linux")
                .containsEntry("privateIp", "10.0.0.2").containsEntry("ssmStatus", "Online")
                .containsEntry("ssmAgentVersion", "3.3.40.0").containsEntry("initialState", "stopped")
                .containsEntry("currentState", "stopped").containsEntry("powerRestored", "true")
                .containsEntry("amiId", "ami-0a00000000000002")
                .containsEntry("amiCreatedAt", "2026-11-20T09:01:00.000Z")
                .containsEntry("amiRetainUntil", "2026-11-27T09:01:00Z")
                .containsEntry("ssmCommandId", "cmd-i-0a00000000000002");
        assertThat(rows.get(0)).containsEntry("initialState", "running").containsEntry("currentState", "running")
                .containsEntry("powerRestored", "");
        assertThat(rows.get(4)).containsEntry("kind", "static").containsEntry("instanceId", "")
                .containsEntry("amiId", "").containsEntry("currentState", "");
        assertThat(rows.get(5)).containsEntry("status", "ZONE_ERROR").containsEntry("landingZone", "cmsnonprod")
                .containsEntry("accountId", "444455556666").containsEntry("reason", DENIED.reason());

        // JSON: an "aws" object per instance, none for the static target, the zone errors of the run
        JsonNode json = EventJson.mapper().readTree(file("aws-3", "report.json"));
        assertThat(json.get("zoneErrors").get(0).get("landingZone").asText()).isEqualTo("cmsnonprod");
        assertThat(json.get("zoneErrors").get(0).get("reason").asText()).contains("AccessDenied");
        JsonNode aws = json.get("targets").get(1).get("aws");
        assertThat(aws.get("instanceId").asText()).isEqualTo("i-0a00000000000002");
        assertThat(aws.get("amiId").asText()).isEqualTo("ami-0a00000000000002");
        assertThat(aws.get("amiRetainUntil").asText()).isEqualTo("2026-11-27T09:01:00Z");
        assertThat(aws.get("snapshotIds").asText()).isEqualTo("snap-i-0a00000000000002a,snap-i-0a00000000000002b");
        assertThat(aws.get("initialState").asText()).isEqualTo("stopped");
        assertThat(aws.get("currentState").asText()).isEqualTo("stopped");
        assertThat(aws.get("ssmStatus").asText()).isEqualTo("Online");
        assertThat(json.get("targets").get(1).get("backup").get("method").asText()).isEqualTo("ami");
        assertThat(json.get("targets").get(1).get("validation").get("checks")).hasSize(4);
        assertThat(json.get("targets").get(4).has("aws")).isFalse();
        assertThat(json.has("scannerOnly")).isFalse();

        // XML: valid against the XSD, with the same facts
        byte[] xml = file("aws-3", "report.xml");
        assertValid(xml);
        String xmlText = new String(xml, StandardCharsets.UTF_8);
        assertThat(xmlText).contains("<zoneError landingZone=\"cmsnonprod\" accountId=\"444455556666\">"
                + "cannot assume arn:aws:iam::444455556666:role/patchflow: AccessDenied (403)</zoneError>");
        assertThat(xmlText)
                .contains("<aws instanceId=\"i-0a00000000000002\" accountId=\"" + ACCOUNT + "\" region=\"" + REGION
                        + "\" availabilityZone=\"eu-west-1a\" instanceType=\"t3.medium\" ssmStatus=\"Online\" "
                        + "initialState=\"stopped\" currentState=\"stopped\" powerRestored=\"true\">");
        assertThat(xmlText).contains("<ami id=\"ami-0a00000000000002\" createdAt=\"2026-11-20T09:01:00.000Z\" "
                + "retainUntil=\"2026-11-27T09:01:00Z\">");
        assertThat(xmlText).contains("<snapshotId>snap-i-0a00000000000002b</snapshotId>");
        assertThat(xmlText).contains("<ssmCommandId>cmd-i-0a00000000000002</ssmCommandId>");
        assertThat(xmlText.split("<aws ", -1)).as("one aws element per instance, none for the static target")
                .hasSize(5);
        java.nio.file.Files.write(java.nio.file.Path.of("target", "report-aws-sample.xml"), xml);

        // HTML: the instance column and the zones not scanned
        String html = new String(file("aws-3", "report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("Landing zones not scanned", "cmsnonprod", "AccessDenied (403)",
                "Instance / power / SSM", "i-0a00000000000002", "power stopped → stopped (restored)",
                "SSM Online 3.3.40.0",
                "command <span class=\"mono\">cmd-i-0a00000000000002</span>",
                "AMI <span class=\"mono\">ami-0a00000000000002</span>",
                "created 2026-11-20T09:01:00.000Z, retain until 2026-11-27T09:01:00Z", "power running → running");
    }

    @Test
    void aScannerOnlyRunEndsWithTheInventoryReport() throws Exception {
        RunContext c = context("inv-1", true);
        List<Target> fleet = List.of(running1, stopped2, running3);
        List<PatchflowEvent> events = new ArrayList<>();
        events.add(requested(c));
        fleet.forEach(t -> events.add(scanned(c, t)));
        events.add(scanCompleted(c, fleet.size()));
        // what backup-svc, the runner and the validator answer for a run whose phases are off: nothing is done
        for (Target t : fleet) {
            events.add(new BackupCompleted(c, t, BackupStatus.SKIPPED, null, null, null, "backup phase off",
                    Instant.parse("2026-11-20T09:00:05Z")));
            events.add(new PatchApplied(c, t, PatchStatus.SKIPPED, null, null, null, null,
                    Map.of("reason", "patch phase off")));
            events.add(new ValidationPassed(c, t, List.of(), true));
        }
        apply(events);

        assertThat(completions("inv-1")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(done.counts()).isEqualTo(new RunCounts(3, 3, 0, 0, 0, 3));
        });
        byte[] csv = file("inv-1", "report.csv");
        assertThat(new String(csv, StandardCharsets.UTF_8).lines().findFirst().orElseThrow()).isEqualTo(
                "targetId,name,kind,environment,landingZone,accountId,region,availabilityZone,instanceId,"
                        + "instanceType,platform,platformName,arch,privateIp,state,ssmStatus,ssmAgentVersion,"
                        + "installedVersion,status,reason");
        List<Map<String, String>> rows = csv(csv);
        assertThat(rows).hasSize(4);
        assertThat(rows.get(1)).containsEntry("targetId", "i-0a00000000000002").containsEntry("name", "app-2")
                .containsEntry("environment", "nonprod").containsEntry("landingZone", ZONE)
                .containsEntry("accountId", ACCOUNT).containsEntry("region", REGION)
                .containsEntry("availabilityZone", "eu-west-1a").containsEntry("instanceType", "t3.medium")
                .containsEntry("platform", "linux").containsEntry("platformName", "Amazon Linux")
                .containsEntry("arch", "x86_64").containsEntry("privateIp", "10.0.0.2")
                .containsEntry("state", "stopped").containsEntry("ssmStatus", "Online")
                .containsEntry("ssmAgentVersion", "3.3.40.0").containsEntry("status", "SCANNED");
        assertThat(rows.get(3)).containsEntry("targetId", "").containsEntry("landingZone", "cmsnonprod")
                .containsEntry("status", "ZONE_ERROR").containsEntry("reason", DENIED.reason());

        JsonNode json = EventJson.mapper().readTree(file("inv-1", "report.json"));
        assertThat(json.get("scannerOnly").asBoolean()).isTrue();
        assertThat(json.get("zoneErrors")).hasSize(1);
        assertThat(json.get("targets").get(1).get("aws").get("initialState").asText()).isEqualTo("stopped");
        assertThat(json.get("targets").get(1).get("aws").get("currentState").asText())
                .as("nothing started it").isEqualTo("stopped");

        byte[] xml = file("inv-1", "report.xml");
        assertValid(xml);
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("scannerOnly=\"true\"",
                "<zoneError landingZone=\"cmsnonprod\"", "<aws instanceId=\"i-0a00000000000002\"");
        assertThat(new String(file("inv-1", "report.html"), StandardCharsets.UTF_8))
                .contains("Scanner only: the targets below are the inventory", "Landing zones not scanned");
    }

    TargetReport target(String runId, String targetId) {
        return queries.get(runId).orElseThrow().targets().stream().filter(t -> t.targetId().equals(targetId))
                .findFirst().orElseThrow();
    }

    byte[] file(String runId, String name) {
        return archive.objects.get("reports/" + runId + "/" + name).content();
    }

    static List<Map<String, String>> csv(byte[] csv) throws Exception {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            return it.readAll();
        }
    }

    static void assertValid(byte[] xml) throws Exception {
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(AwsRunReportTest.class.getClassLoader().getResource("schemas/xsd/run-report.xsd"));
        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
    }

    static InstanceScanned scanned(RunContext c, Target t) {
        return new InstanceScanned(c, t);
    }
}
