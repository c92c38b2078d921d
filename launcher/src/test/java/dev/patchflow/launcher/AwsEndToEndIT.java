package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;

import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Issue #9 end to end: the five packaged services on the embedded stack, their AWS SDK clients pointed at the
 * WireMock stand-in ({@link AwsStub}, AWS's wire formats; no AWS account here). Two landing zones, one of whose roles
 * cannot be assumed; six instances in the other, two of them stopped: AMIs, the stopped ones started, SSM patching,
 * the AWS checks, the power state restored; the four reports carry seed 004's columns and the XML validates. Then a
 * {@code --scanner-only} run of the same zones ends with the inventory report. No credential of the stand-in reaches a
 * report or a service log. One system start for both.
 */
class AwsEndToEndIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final String ZONE_KEY = "ASIAE2ELZ250";
    private static final String ROLE = "arn:aws:iam::250000000001:role/PatchflowZone";
    private static final String DENIED_ROLE = "arn:aws:iam::250000000002:role/PatchflowZone";
    private static final String REGION = "eu-west-1";

    @Test
    void awsFleetAcrossTwoZonesIsBackedUpStartedPatchedValidatedAndRestoredWithTheSeedsReports() throws Exception {
        Path home = LauncherMain.home();
        Path work = Files.createTempDirectory(home.resolve("launcher/target"), "aws-e2e-");
        Path zones = Files.writeString(work.resolve("landing-zones.yaml"), """
                landing_zones:
                  lz250nonprod:
                    account_id: "250000000001"
                    role_arn: %s
                    regions: [eu-west-1]
                    environment: nonprod
                  cmsnonprod:
                    account_id: "250000000002"
                    role_arn: %s
                    regions: [eu-west-1]
                    environment: nonprod
                """.formatted(ROLE, DENIED_ROLE));
        List<AwsStub.Instance> fleet = IntStream.rangeClosed(1, 6)
                .mapToObj(n -> new AwsStub.Instance("i-0e2e00000000000" + n, "app-" + n,
                        n == 2 || n == 5 ? "stopped" : "running", "10.20.0." + n, "eu-west-1a", "t3.medium",
                        "x86_64", "Linux/UNIX", Map.of("Environment", "nonprod")))
                .toList();

        try (AwsStub aws = AwsStub.start()) {
            stubTheAccounts(aws, fleet);
            Map<String, String> properties = new HashMap<>(aws.serviceProperties(zones));
            // quick polls against the stand-in (the services' defaults are minutes)
            properties.put("patchflow.backup.ami.poll-interval", "300ms");
            properties.put("patchflow.runner.ssm.poll-interval", "300ms");
            properties.put("patchflow.aws.max-attempts", "3");
            try (PatchflowSystem system = PatchflowSystem.start(home, work, false, properties,
                    line -> System.out.println("[aws-e2e] " + line));
                    KafkaProducer<String, byte[]> producer = PipelineBenchmark
                            .producer(system.stack().kafkaBootstrapServers())) {
                RunWatcher runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
                MinioClient s3 = MinioClient.builder().endpoint(system.stack().s3Endpoint())
                        .credentials(system.stack().s3AccessKey(), system.stack().s3SecretKey()).build();
                EventCodec codec = new EventCodec();

                PatchRequested full = request(false);
                producer.send(codec.toRecord(CloudEvent.of("/patchflow/aws-e2e", full))).get();
                JsonNode run = runs.awaitCompleted(full.runId(), RUN_TIMEOUT);

                assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
                assertThat(run.path("expectedTargets").asInt()).isEqualTo(6);
                assertThat(run.path("zoneErrors").get(0).path("landingZone").asText()).isEqualTo("cmsnonprod");
                assertThat(run.path("zoneErrors").get(0).path("reason").asText()).contains("AccessDenied");
                for (JsonNode target : run.path("targets")) {
                    String id = target.path("targetId").asText();
                    JsonNode instance = target.path("aws");
                    boolean stopped = id.endsWith("2") || id.endsWith("5");
                    assertThat(target.path("status").asText()).as(id).isEqualTo("SUCCEEDED");
                    assertThat(target.path("validation").path("status").asText()).as(id).isEqualTo("PASSED");
                    assertThat(target.path("validation").path("checks")).as(id).hasSize(4);
                    assertThat(instance.path("amiId").asText()).as(id).isEqualTo("ami-" + id.substring(2));
                    assertThat(instance.path("amiRetainUntil").asText()).as(id).isNotBlank();
                    assertThat(instance.path("amiCreatedAt").asText()).as(id).isNotBlank();
                    assertThat(instance.path("ssmCommandId").asText()).as(id).isEqualTo("cmd-" + id);
                    assertThat(instance.path("initialState").asText()).as(id)
                            .isEqualTo(stopped ? "stopped" : "running");
                    assertThat(instance.path("currentState").asText()).as(id)
                            .isEqualTo(stopped ? "stopped" : "running");
                    assertThat(instance.path("powerRestored").isMissingNode()).as(id).isEqualTo(!stopped);
                }
                assertThat(aws.ec2Calls("CreateImage")).isEqualTo(6);
                assertThat(aws.ec2Calls("StartInstances")).isEqualTo(2);
                assertThat(aws.ec2Calls("StopInstances")).isEqualTo(2);
                assertThat(aws.ssmCalls("SendCommand")).isEqualTo(6);
                assertThat(aws.assumeRoleCalls(DENIED_ROLE)).isPositive();

                String prefix = "reports/" + full.runId() + "/";
                List<Map<String, String>> rows = csv(read(s3, system, prefix + "report.csv"));
                assertThat(rows).hasSize(7);
                assertThat(rows.get(1)).containsEntry("targetId", "i-0e2e000000000002")
                        .containsEntry("environment", "nonprod").containsEntry("landingZone", "lz250nonprod")
                        .containsEntry("accountId", "250000000001").containsEntry("region", REGION)
                        .containsEntry("instanceType", "t3.medium").containsEntry("patchStatus", "APPLIED")
                        .containsEntry("validationStatus", "PASSED").containsEntry("initialState", "stopped")
                        .containsEntry("currentState", "stopped").containsEntry("powerRestored", "true")
                        .containsEntry("amiId", "ami-0e2e000000000002")
                        .containsEntry("ssmCommandId", "cmd-i-0e2e000000000002");
                assertThat(rows.get(1).get("amiRetainUntil")).isNotBlank();
                assertThat(rows.get(1).get("ssmStatus")).isNotBlank();
                assertThat(rows.get(6)).containsEntry("status", "ZONE_ERROR").containsEntry("landingZone",
                        "cmsnonprod");
                JsonNode json = EventJson.mapper().readTree(read(s3, system, prefix + "report.json"));
                assertThat(json.path("targets")).hasSize(6);
                assertThat(json.path("zoneErrors")).hasSize(1);
                byte[] xml = read(s3, system, prefix + "report.xml");
                assertValid(xml, home);
                assertThat(new String(xml, StandardCharsets.UTF_8)).contains("<zoneError landingZone=\"cmsnonprod\"",
                        "<aws instanceId=\"i-0e2e000000000005\"", "<ami id=\"ami-0e2e000000000005\"");
                String html = new String(read(s3, system, prefix + "report.html"), StandardCharsets.UTF_8);
                assertThat(html).contains("Landing zones not scanned", "i-0e2e000000000005",
                        "power stopped → stopped (restored)", "AMI <span class=\"mono\">ami-0e2e000000000005</span>");
                String everything = new String(read(s3, system, prefix + "report.csv"), StandardCharsets.UTF_8)
                        + json + new String(xml, StandardCharsets.UTF_8) + html;
                assertThat(everything).as("no credential in a report").doesNotContain(AwsStub.BASE_SECRET_KEY,
                        "secret-of-" + ZONE_KEY, "session-token-of-" + ZONE_KEY);

                // --scanner-only: the same zones, nothing but the scan, the inventory report
                int imagesBefore = aws.ec2Calls("CreateImage");
                int commandsBefore = aws.ssmCalls("SendCommand");
                PatchRequested inventory = request(true);
                producer.send(codec.toRecord(CloudEvent.of("/patchflow/aws-e2e", inventory))).get();
                JsonNode scanned = runs.awaitCompleted(inventory.runId(), RUN_TIMEOUT);
                assertThat(scanned.path("scannerOnly").asBoolean()).isTrue();
                assertThat(scanned.path("targets")).hasSize(6);
                List<Map<String, String>> inventoryRows = csv(
                        read(s3, system, "reports/" + inventory.runId() + "/report.csv"));
                assertThat(inventoryRows).hasSize(7);
                assertThat(inventoryRows.get(0)).containsEntry("instanceId", "i-0e2e000000000001")
                        .containsEntry("state", "running").containsEntry("status", "SCANNED")
                        .doesNotContainKey("amiId");
                assertThat(inventoryRows.get(6)).containsEntry("status", "ZONE_ERROR");
                assertThat(aws.ec2Calls("CreateImage")).isEqualTo(imagesBefore);
                assertThat(aws.ssmCalls("SendCommand")).isEqualTo(commandsBefore);

                // no credential of the stand-in (base identity, assumed-role keys and session tokens) in a service log
                try (Stream<Path> logs = Files.list(work.resolve("logs"))) {
                    for (Path log : logs.filter(Files::isRegularFile).toList()) {
                        assertThat(Files.readString(log)).as(log.getFileName().toString())
                                .doesNotContain(AwsStub.BASE_SECRET_KEY, "secret-of-" + ZONE_KEY,
                                        "session-token-of-" + ZONE_KEY);
                    }
                }
            }
        }
    }

    /** lz250nonprod answers with six instances (two stopped); cmsnonprod's role cannot be assumed. */
    private static void stubTheAccounts(AwsStub aws, List<AwsStub.Instance> fleet) {
        aws.assumeRole(ROLE, ZONE_KEY, Instant.now().plusSeconds(3600));
        aws.denyAssumeRole(DENIED_ROLE);
        aws.describeInstances(ZONE_KEY, REGION, fleet, 4);
        aws.instanceInformation(ZONE_KEY, REGION, fleet.stream()
                .map(i -> new AwsStub.SsmInfo(i.id(), "running".equals(i.state()) ? "Online" : "ConnectionLost",
                        "3.3.1142.0", "Linux", "Amazon Linux"))
                .toList());
        for (AwsStub.Instance instance : fleet) {
            aws.powerStates(ZONE_KEY, instance);
            // the SSM Online wait after a start, and the validator's check
            aws.pingStatuses(ZONE_KEY, instance.id(), "Online");
            aws.imageLifecycle(ZONE_KEY, instance.id(), new AwsStub.Image("ami-" + instance.id().substring(2),
                    "pending", Instant.now(), List.of("snap-" + instance.id().substring(2)),
                    Map.of("patchflow:managed", "true", "patchflow:retain-until", "2026-12-09T00:00:00Z"), null),
                    "pending", "available");
            aws.command(ZONE_KEY, instance.id(), "cmd-" + instance.id(), "InProgress", "Success");
            aws.patchState(ZONE_KEY, instance.id(), 0, 0, 0);
        }
    }

    private static PatchRequested request(boolean scannerOnly) {
        String runId = (scannerOnly ? "aws-inv-" : "aws-e2e-") + UUID.randomUUID().toString().substring(0, 8);
        List<CheckSpec> checks = scannerOnly
                ? List.of()
                : CheckSpec.AWS_TYPES.stream().sorted()
                        .map(type -> new CheckSpec(type, type, null, null, null, null, null)).toList();
        return new PatchRequested(runId, Instant.now(), "aws-e2e",
                new PatchSpec("AWS-RunPatchBaseline", "2026-11", "ssm", List.of(), 600, Map.of()),
                new TargetSelector("aws-ec2", null, "nonprod", List.of("lz250nonprod", "cmsnonprod"), Map.of()),
                new RunOptions(false, scannerOnly ? Phases.SCANNER_ONLY : Phases.ALL, new RolloutPolicy(null, "6"),
                        checks, new AwsOptions(120, 7, 120, true, true, 120, true)));
    }

    private static byte[] read(MinioClient s3, PatchflowSystem system, String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(system.stack().s3Bucket()).object(key)
                .build())) {
            return in.readAllBytes();
        }
    }

    private static List<Map<String, String>> csv(byte[] csv) throws Exception {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            return it.readAll();
        }
    }

    private static void assertValid(byte[] xml, Path home) throws Exception {
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(home.resolve("schemas/xsd/run-report.xsd").toFile());
        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
    }
}
