package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The five packaged services as separate processes on the real embedded stack, driven only through
 * Kafka (a plain producer with CloudEvents headers) and observed through the report API, S3 and the
 * installs on disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);

    private final EventCodec codec = new EventCodec();
    private final Map<String, List<ConsumerRecord<String, byte[]>>> deadLetters = new ConcurrentHashMap<>();
    private Path home;
    private Path work;
    private PatchflowSystem system;
    private RunWatcher runs;
    private KafkaProducer<String, byte[]> producer;
    private MinioClient s3;
    private Thread deadLetterReader;
    private volatile boolean stopping;

    private List<Path> healthyFleet;
    private List<Path> mixedFleet;
    private List<Path> dryRunFleet;
    private PatchRequested firstRequest;
    private List<Path> packageFleet;
    private String releaseManifest;
    private final List<String> startLines = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Run id → what kind of run it is, for the replay's per-run lines (issue #13, point 1). */
    private final Map<String, String> runKinds = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** A folder whose path is longer than the kernel's PATH_MAX: removed again whatever happens. */
    private Path tooDeep;

    @BeforeAll
    void startEverything() throws Exception {
        home = LauncherMain.home();
        work = Files.createTempDirectory(home.resolve("launcher/target"), "e2e-");
        // The signed release is made with patchctl before the services start, its key trusted the documented way.
        DemoRelease release = new DemoRelease(home, work);
        release.build();
        release.trust(work.resolve(PatchflowSystem.TRUSTED_KEYS));
        system = PatchflowSystem.start(home, work, false, Map.of(), line -> {
            startLines.add(line);
            System.out.println("[e2e] " + line);
        });
        releaseManifest = release.publish(system.stack().s3Endpoint(), system.stack().s3AccessKey(),
                system.stack().s3SecretKey());
        runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
        producer = PipelineBenchmark.producer(system.stack().kafkaBootstrapServers());
        s3 = MinioClient.builder().endpoint(system.stack().s3Endpoint())
                .credentials(system.stack().s3AccessKey(), system.stack().s3SecretKey()).build();

        healthyFleet = new DemoFleet(home, work.resolve("fleet-healthy")).create("ok", 4, "dev");
        mixedFleet = new DemoFleet(home, work.resolve("fleet-mixed")).create("mix", 3, "dev");
        DemoFleet.markBroken(mixedFleet.get(1), "disk quota exceeded");
        DemoFleet.markUnhealthy(mixedFleet.get(2), "listener did not come up");
        dryRunFleet = new DemoFleet(home, work.resolve("fleet-dry")).create("dry", 3, "dev");
        DemoFleet mixedVersions = new DemoFleet(home, work.resolve("fleet-package"));
        packageFleet = List.of(mixedVersions.createAt("pkg-patch", "1.0.0", "dev", 1),
                mixedVersions.createAt("pkg-full", "0.9.0", "dev", 2),
                mixedVersions.createAt("pkg-current", DemoRelease.VERSION, "dev", 3));

        startReadingDeadLetters();
    }

    @AfterAll
    void stopEverything() throws Exception {
        removeTooDeep();
        stopping = true;
        if (deadLetterReader != null) {
            deadLetterReader.join(10_000);
        }
        if (producer != null) {
            producer.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void malformedRecordOnEveryTopicLandsInItsDeadLetterTopicAndTheRunStillCompletes() throws Exception {
        for (String topic : Topics.STAGES) {
            // Not JSON, under a type that is legal on this topic: the consumer must dead-letter it, not die.
            ProducerRecord<String, byte[]> garbage = new ProducerRecord<>(topic, "garbage/" + topic,
                    "{this is not json".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_source", "/e2e/garbage".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            garbage.headers().add("ce_type", ("dev.patchflow." + typeOn(topic)).getBytes(StandardCharsets.UTF_8));
            producer.send(garbage).get();
        }

        firstRequest = request(healthyFleet.get(0).getParent(), false);
        runKinds.put(firstRequest.runId(), "success");
        JsonNode run = publishAndAwait(firstRequest);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            for (String topic : Topics.STAGES) {
                List<ConsumerRecord<String, byte[]>> dead = deadLetters.getOrDefault(Topics.deadLetter(topic),
                        List.of());
                assertThat(dead).as("dead letters of " + topic).isNotEmpty();
                assertThat(header(dead.get(0), "dead-letter-reason")).as("reason on " + topic).isNotBlank();
            }
        });
    }

    @Test
    @Order(2)
    void reportApiRefusesAnAnonymousCallerWithAJson401() throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(system.reportUrl() + "/api/runs"))
                        .timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonNode body = dev.patchflow.schemas.EventJson.mapper().readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(401);
        assertThat(body.path("error").asText()).startsWith("authentication required");
    }

    @Test
    @Order(2)
    void noTokenReachesAServiceLog() throws IOException {
        try (Stream<Path> logs = Files.list(work.resolve("logs"))) {
            for (Path log : logs.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(log);
                for (String token : system.tokens().values()) {
                    assertThat(content).as(log.getFileName().toString()).doesNotContain(token)
                            .doesNotContain(token.substring(token.lastIndexOf('.') + 1));
                }
            }
        }
    }

    @Test
    @Order(2)
    void healthyFleetIsBackedUpPatchedAndValidated() throws Exception {
        JsonNode run = runs.run(firstRequest.runId()).orElseThrow();

        assertThat(run.path("expectedTargets").asInt()).isEqualTo(4);
        for (JsonNode target : run.path("targets")) {
            assertThat(target.path("status").asText()).as(target.path("targetId").asText()).isEqualTo("SUCCEEDED");
            assertThat(target.path("patch").path("status").asText()).isEqualTo("APPLIED");
            assertThat(target.path("validation").path("status").asText()).isEqualTo("PASSED");
            JsonNode backup = target.path("backup");
            assertThat(backup.path("status").asText()).isEqualTo("COMPLETED");
            String key = "backups/" + firstRequest.runId() + "/" + target.path("targetId").asText() + ".tar.gz";
            assertThat(backup.path("location").asText()).endsWith(key);
            assertThat(sha256(readObject(key))).isEqualTo(backup.path("sha256").asText());
        }
        for (Path install : healthyFleet) {
            assertThat(Files.readString(install.resolve("VERSION")).trim()).isEqualTo("1.1.0");
            assertThat(Files.readAllLines(install.resolve(".patch-history"))).hasSize(1);
        }
    }

    @Test
    @Order(3)
    void sameRequestAgainEndsAlreadyAppliedWithoutRunningThePatch() throws Exception {
        PatchRequested again = request(healthyFleet.get(0).getParent(), false);
        runKinds.put(again.runId(), "already applied");
        JsonNode run = publishAndAwait(again);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("targets")).hasSize(4);
        for (JsonNode target : run.path("targets")) {
            assertThat(target.path("patch").path("status").asText()).as(target.path("targetId").asText())
                    .isEqualTo("ALREADY_APPLIED");
        }
        for (Path install : healthyFleet) {
            assertThat(Files.readAllLines(install.resolve(".patch-history"))).as("patch invocations of " + install)
                    .hasSize(1);
        }
    }

    @Test
    @Order(4)
    void failingPatchAndFailingValidationAreReportedWithTheirReasons() throws Exception {
        PatchRequested mixed = request(mixedFleet.get(0).getParent(), false);
        runKinds.put(mixed.runId(), "patch failure + validation failure");
        JsonNode run = publishAndAwait(mixed);

        assertThat(run.path("outcome").asText()).isEqualTo("FAILED");
        Map<String, JsonNode> targets = byId(run);
        assertThat(targets.get("mix-01").path("status").asText()).isEqualTo("SUCCEEDED");

        JsonNode broken = targets.get("mix-02");
        assertThat(broken.path("status").asText()).isEqualTo("FAILED");
        assertThat(broken.path("patch").path("exitCode").asInt()).isEqualTo(3);
        assertThat(broken.path("patch").path("outputTail").asText()).contains("disk quota exceeded");
        assertThat(Files.readString(mixedFleet.get(1).resolve("VERSION")).trim()).isEqualTo("1.0.0");

        JsonNode unhealthy = targets.get("mix-03");
        assertThat(unhealthy.path("status").asText()).isEqualTo("FAILED");
        assertThat(unhealthy.path("patch").path("status").asText()).isEqualTo("APPLIED");
        assertThat(unhealthy.path("validation").path("status").asText()).isEqualTo("FAILED");
        JsonNode failed = unhealthy.path("validation").path("failed");
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).path("name").asText()).isEqualTo("health");
        assertThat(failed.get(0).path("detail").asText()).contains("listener did not come up");
    }

    @Test
    @Order(5)
    void dryRunLeavesEveryInstallByteIdentical() throws Exception {
        Map<String, String> before = treeDigest(dryRunFleet.get(0).getParent());

        PatchRequested dryRun = request(dryRunFleet.get(0).getParent(), true);
        runKinds.put(dryRun.runId(), "dry run");
        JsonNode run = publishAndAwait(dryRun);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        for (JsonNode target : run.path("targets")) {
            assertThat(target.path("patch").path("status").asText()).isEqualTo("DRY_RUN");
        }
        assertThat(treeDigest(dryRunFleet.get(0).getParent())).isEqualTo(before);
    }

    @Test
    @Order(6)
    void fourReportFilesAreInS3AndTheXmlValidatesAgainstItsXsd() throws Exception {
        String prefix = "reports/" + firstRequest.runId() + "/";
        for (String format : List.of("csv", "json", "html", "xml")) {
            s3.statObject(StatObjectArgs.builder().bucket(system.stack().s3Bucket()).object(prefix + "report." + format)
                    .build());
        }
        byte[] xml = readObject(prefix + "report.xml");
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        try (InputStream xsd = Files.newInputStream(home.resolve("schemas/xsd/run-report.xsd"))) {
            factory.newSchema(new StreamSource(xsd)).newValidator()
                    .validate(new StreamSource(new ByteArrayInputStream(xml)));
        }
        assertThat(new String(readObject(prefix + "report.csv"), StandardCharsets.UTF_8)).contains("ok-01", "ok-04");
    }

    @Test
    @Order(7)
    void signedPackageRunOverMixedVersionsReportsEachTargetsUpgradeStrategy() throws Exception {
        Path expected = home.resolve("examples/demo-app-" + DemoRelease.VERSION);
        PatchRequested request = new PatchRequested("e2e-pkg-" + UUID.randomUUID().toString().substring(0, 8),
                Instant.now(), "e2e",
                new PatchSpec("demo-app", DemoRelease.VERSION, "package", List.of(), 120,
                        Map.of("manifest", releaseManifest)),
                new TargetSelector("directory", packageFleet.get(0).getParent().toString(), "dev", List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, new RolloutPolicy(null, "3"),
                        List.of(new CheckSpec("version", CheckSpec.VERSION, null, null, null, null, null),
                                new CheckSpec("health", CheckSpec.COMMAND, List.of("sh", "bin/health.sh"), null,
                                        null, null, 30))));

        runKinds.put(request.runId(), "signed package");
        JsonNode run = publishAndAwait(request);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        Map<String, JsonNode> targets = byId(run);
        assertThat(targets.get("pkg-patch").path("patch").path("details").path("strategy").asText())
                .isEqualTo("PatchUpgrade");
        assertThat(targets.get("pkg-patch").path("patch").path("status").asText()).isEqualTo("APPLIED");
        assertThat(targets.get("pkg-full").path("patch").path("details").path("strategy").asText())
                .isEqualTo("FullUpgrade");
        assertThat(targets.get("pkg-full").path("patch").path("status").asText()).isEqualTo("APPLIED");
        assertThat(targets.get("pkg-current").path("patch").path("details").path("strategy").asText())
                .isEqualTo("NoUpgrade");
        assertThat(targets.get("pkg-current").path("patch").path("status").asText()).isEqualTo("ALREADY_APPLIED");
        // Every install now holds exactly the release's files and its own target.yaml, which the full upgrade kept:
        // without it the scanner would no longer see the install's environment and labels.
        for (Path install : packageFleet) {
            Map<String, String> tree = treeDigest(install);
            assertThat(tree.remove("target.yaml")).as(install.getFileName() + "/target.yaml").isNotNull();
            assertThat(tree).as(install.getFileName().toString()).isEqualTo(treeDigest(expected));
        }
    }

    @Test
    @Order(8)
    void theReadmesReleaseFlowWorksAsWrittenInAFreshCloneWhileEverythingRuns() throws Exception {
        // Issue #7, finding 4: under './patchflow up' the runner had no trusted keys, so every package made the
        // README's way was refused UNKNOWN_KEY. 'up' starts the system exactly like this test (PatchflowSystem).
        Path trusted = work.resolve(PatchflowSystem.TRUSTED_KEYS);
        assertThat(startLines).anyMatch(l -> l.startsWith("trusted package keys: " + trusted));
        long keysBefore = countFiles(trusted);

        // A folder that looks like a fresh clone after a build: the examples, patchctl's jar, and the data dir
        // of the running system as .patchflow/ (no keys, no dist, no fleet).
        Path clone = Files.createDirectories(work.resolve("fresh-clone"));
        Files.createSymbolicLink(clone.resolve("examples"), home.resolve("examples"));
        Files.createSymbolicLink(clone.resolve("patchctl"), home.resolve("patchctl"));
        Files.createSymbolicLink(clone.resolve(".patchflow"), work);
        Path script = Files.writeString(clone.resolve("release-flow.sh"), readmeReleaseFlow());
        Path log = work.resolve("release-flow.log");

        ProcessBuilder sh = new ProcessBuilder("sh", "-e", script.toString()).directory(clone.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // What './patchflow up' has on its fixed ports, here on the test's random ones.
        Map<String, String> env = sh.environment();
        env.remove("PATCHFLOW_TOKEN");
        env.put("PATH",
                Path.of(System.getProperty("java.home"), "bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("PATCHFLOW_KAFKA_BOOTSTRAP", system.stack().kafkaBootstrapServers());
        env.put("PATCHFLOW_REPORT_URL", system.reportUrl());
        env.put("PATCHFLOW_S3_ENDPOINT", system.stack().s3Endpoint());
        env.put("PATCHFLOW_S3_ACCESS_KEY", system.stack().s3AccessKey());
        env.put("PATCHFLOW_S3_SECRET_KEY", system.stack().s3SecretKey());
        Process flow = sh.start();
        try {
            assertThat(flow.waitFor(RUN_TIMEOUT.toMinutes() + 4, java.util.concurrent.TimeUnit.MINUTES))
                    .as("the release flow finished; see " + log).isTrue();
        } finally {
            flow.destroyForcibly();
        }

        String output = Files.readString(log);
        assertThat(flow.exitValue()).as(output).isZero();
        assertThat(output).contains("OK structure:").doesNotContain("UNKNOWN_KEY");
        assertThat(countFiles(trusted)).isEqualTo(keysBefore + 1);
        assertThat(clone.resolve("fleet/app-01/VERSION")).hasContent(DemoRelease.VERSION);
        Map<String, String> installed = treeDigest(clone.resolve("fleet/app-01"));
        assertThat(installed).isEqualTo(treeDigest(home.resolve("examples/demo-app-" + DemoRelease.VERSION)));
    }

    // --- issue #13, point 1: runs of every kind, then a replay of the whole log ---------------------------------

    @Test
    @Order(9)
    void aTargetWhoseBackupFailsIsNotPatchedAndARequestForAMissingFolderIsRejected() throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-backup")).create("bkp", 2, "dev");
        // Unreadable even for root: a folder deeper than PATH_MAX (4096) in the install, made one step at a time.
        tooDeep = fleet.get(1).resolve("deep");
        String step = "d".repeat(250);
        // GNU mkdir -p walks down one folder at a time, so it gets below PATH_MAX where Java cannot.
        Process mkdir = new ProcessBuilder("mkdir", "-p", "deep/" + String.join("/", java.util.Collections.nCopies(20,
                step))).directory(fleet.get(1).toFile()).inheritIO().start();
        assertThat(mkdir.waitFor()).isZero();
        try {
            PatchRequested request = request(fleet.get(0).getParent(), false);
            runKinds.put(request.runId(), "backup failure");
            JsonNode run = publishAndAwait(request);

            assertThat(run.path("outcome").asText()).isEqualTo("FAILED");
            JsonNode failed = byId(run).get("bkp-02");
            assertThat(failed.path("backup").path("status").asText()).isEqualTo("FAILED");
            assertThat(failed.path("backup").path("reason").asText()).contains("File name too long");
            assertThat(failed.path("patch").path("status").asText()).isEqualTo("FAILED");
            assertThat(Files.readString(fleet.get(1).resolve("VERSION")).trim()).isEqualTo("1.0.0");
            assertThat(byId(run).get("bkp-01").path("status").asText()).isEqualTo("SUCCEEDED");
        } finally {
            removeTooDeep();
        }

        PatchRequested rejected = request(work.resolve("no-such-fleet"), false);
        runKinds.put(rejected.runId(), "rejected request");
        JsonNode run = publishAndAwait(rejected);
        assertThat(run.path("outcome").asText()).isEqualTo("REJECTED");
        assertThat(run.path("reason").asText()).contains("does not exist");
    }

    @Test
    @Order(10)
    void aCanaryWaitsAtItsManualGateUntilAnApproverOpensIt() throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-canary")).create("can", 3, "dev");
        PatchRequested request = request(fleet.get(0).getParent(), false,
                new RolloutPolicy(RolloutPolicy.CANARY, "1", null, new RolloutPolicy.CanaryPolicy("manual", null),
                        null, null, null));
        runKinds.put(request.runId(), "canary gate approved");
        publish(request);

        awaitRun(request.runId(), run -> "WAITING".equals(run.path("rollout").path("gateState").asText()));
        control(request.runId(), "approve", "approver");
        JsonNode run = runs.awaitCompleted(request.runId(), RUN_TIMEOUT);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("rollout").path("gateState").asText()).isEqualTo("APPROVED");
    }

    @Test
    @Order(11)
    void aRunHaltedByItsErrorBudgetGoesOnWhenResumed() throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-resume")).create("res", 3, "dev");
        DemoFleet.markBroken(fleet.get(0), "disk quota exceeded");
        DemoFleet.markBroken(fleet.get(1), "disk quota exceeded");
        PatchRequested request = request(fleet.get(0).getParent(), false,
                new RolloutPolicy(null, "1", null, null, "0", null, null));
        runKinds.put(request.runId(), "halt (budget) + resume");
        publish(request);

        // Each failure beyond the budget halts the run again: resume until it completes.
        int resumes = 0;
        JsonNode run = awaitRun(request.runId(),
                r -> "HALTED".equals(r.path("state").asText()) || "COMPLETED".equals(r.path("state").asText()));
        assertThat(run.path("state").asText()).isEqualTo("HALTED");
        assertThat(run.path("haltCause").asText()).isEqualTo("BUDGET_EXCEEDED");
        while ("HALTED".equals(run.path("state").asText())) {
            int entries = run.path("rollout").path("history").size();
            control(request.runId(), "resume", "operator");
            resumes++;
            awaitRun(request.runId(), r -> r.path("rollout").path("history").size() > entries);
            run = awaitRun(request.runId(),
                    r -> "HALTED".equals(r.path("state").asText()) || "COMPLETED".equals(r.path("state").asText()));
        }
        run = runs.awaitCompleted(request.runId(), RUN_TIMEOUT);

        assertThat(resumes).isPositive();
        assertThat(run.path("outcome").asText()).isEqualTo("FAILED");
        assertThat(run.path("counts").path("terminal").asInt()).isEqualTo(3);
        assertThat(byId(run).values()).noneMatch(t -> "NOT_STARTED".equals(t.path("status").asText()));
    }

    @Test
    @Order(12)
    void aRunHaltedByItsErrorBudgetAndThenCancelledEndsItsWaitingTargetsNotStarted() throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-cancel")).create("cnl", 3, "dev");
        for (Path install : fleet) {
            DemoFleet.markBroken(install, "disk quota exceeded");
        }
        PatchRequested request = request(fleet.get(0).getParent(), false,
                new RolloutPolicy(null, "1", null, null, "0", null, null));
        runKinds.put(request.runId(), "budget exceeded + cancel");
        publish(request);

        JsonNode halted = awaitRun(request.runId(), r -> "HALTED".equals(r.path("state").asText()));
        assertThat(halted.path("haltCause").asText()).isEqualTo("BUDGET_EXCEEDED");
        control(request.runId(), "cancel", "operator");
        JsonNode run = runs.awaitCompleted(request.runId(), RUN_TIMEOUT);

        assertThat(byId(run).values()).filteredOn(t -> "NOT_STARTED".equals(t.path("status").asText())).hasSize(2);
        assertThat(run.path("counts").path("patchFailed").asInt()).isEqualTo(1);
    }

    @Test
    @Order(13)
    void aRunWhoseMaintenanceWindowHasEndedStartsNoTarget() throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-cutoff")).create("cut", 2, "dev");
        PatchRequested request = request(fleet.get(0).getParent(), false,
                new RolloutPolicy(null, "2", null, null, null, null, Instant.now().minusSeconds(60)));
        runKinds.put(request.runId(), "cutoff");
        JsonNode run = publishAndAwait(request);

        assertThat(run.path("outcome").asText()).isEqualTo("INCOMPLETE");
        assertThat(byId(run).values()).allSatisfy(t -> {
            assertThat(t.path("status").asText()).isEqualTo("NOT_STARTED");
            assertThat(t.path("reason").asText()).contains("maintenance window ended");
        });
        for (Path install : fleet) {
            assertThat(Files.readString(install.resolve("VERSION")).trim()).isEqualTo("1.0.0");
        }
    }

    /**
     * Issue #13, point 1: a second report-svc (new consumer group, empty database, no archive writes, its own
     * RunCompleted topic) rebuilds every run of this system from the topics alone; for each run the four formats from both APIs
     * and the live service's S3 copies are the same bytes, and its RunCompleted is the live one.
     */
    @Test
    @Order(20)
    void aFreshReportServiceReplayingEveryTopicRebuildsEveryReportByteForByte() throws Exception {
        List<String> runIds = completedRunIds(system.reportUrl());
        assertThat(runIds).containsAll(runKinds.keySet());
        Instant started = Instant.now();
        try (dev.patchflow.localstack.ServiceProcess replay = system.startReportReplay("replay")) {
            RunWatcher replayed = new RunWatcher(replay.baseUrl(), system.token("viewer"));
            for (String runId : runIds) {
                replayed.awaitCompleted(runId, RUN_TIMEOUT);
            }
            System.out.printf("[replay] %d runs rebuilt in %d s%n", runIds.size(),
                    Duration.between(started, Instant.now()).toSeconds());
            List<String> differences = new ArrayList<>();
            for (String runId : runIds) {
                JsonNode run = runs.summary(runId).orElseThrow();
                int before = differences.size();
                // A fact read after a run's completion is counted and archived again just after it (report-svc
                // README, "Events after the completion"): compare again for a little while before calling it different.
                List<String> found = new ArrayList<>();
                Instant settle = Instant.now().plusSeconds(20);
                do {
                    found.clear();
                    for (String format : List.of("csv", "json", "html", "xml")) {
                        byte[] live = download(system.reportUrl(), runId, format);
                        compare(found, runId, format, "live API", live, "replay API",
                                download(replay.baseUrl(), runId, format));
                        compare(found, runId, format, "live API", live, "live S3",
                                readObject("reports/" + runId + "/report." + format));
                    }
                    if (!found.isEmpty()) {
                        Thread.sleep(500);
                    }
                } while (!found.isEmpty() && Instant.now().isBefore(settle));
                found.forEach(d -> System.out.println("[replay] " + d));
                differences.addAll(found);
                System.out.printf("[replay] %s  %-36s %-11s %s%n", runId,
                        runKinds.getOrDefault(runId, "patchctl request (README release flow)"),
                        run.path("outcome").asText(),
                        differences.size() == before ? "4 formats identical" : "DIFFERENT");
            }
            Map<String, CloudEvent<?>> liveCompletions = completions(Topics.RUNS, runIds.size());
            Map<String, CloudEvent<?>> replayCompletions = completions("patchflow.runs.replay", runIds.size());
            for (String runId : runIds) {
                assertThat(replayCompletions.get(runId)).as("RunCompleted of " + runId + " from the replay")
                        .isEqualTo(liveCompletions.get(runId));
            }
            assertThat(differences).as("differences between the live and the replayed reports").isEmpty();
        }
    }

    private List<String> completedRunIds(String reportUrl) throws Exception {
        java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(reportUrl + "/api/runs"))
                        .header("Authorization", "Bearer " + system.token("viewer"))
                        .timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = dev.patchflow.schemas.EventJson.mapper().readTree(response.body());
        List<String> ids = new ArrayList<>();
        for (JsonNode run : body.isArray() ? body : body.path("runs")) {
            assertThat(run.path("state").asText()).as(run.path("runId").asText()).isEqualTo("COMPLETED");
            ids.add(run.path("runId").asText());
        }
        java.util.Collections.sort(ids);
        return ids;
    }

    private byte[] download(String baseUrl, String runId, String format) throws Exception {
        java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/api/runs/" + runId + "/report."
                        + format)).header("Authorization", "Bearer " + system.token("viewer"))
                        .timeout(Duration.ofSeconds(30)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(baseUrl + " report." + format + " of " + runId).isEqualTo(200);
        return response.body();
    }

    /** On a difference, names the run, the format, the two sources and the first line that differs. */
    private static void compare(List<String> differences, String runId, String format, String leftName, byte[] left,
            String rightName, byte[] right) {
        if (java.util.Arrays.equals(left, right)) {
            return;
        }
        String[] a = new String(left, StandardCharsets.UTF_8).split("\n", -1);
        String[] b = new String(right, StandardCharsets.UTF_8).split("\n", -1);
        int line = 0;
        while (line < Math.min(a.length, b.length) && a[line].equals(b[line])) {
            line++;
        }
        String difference = runId + " report." + format + " line " + (line + 1) + ":\n  " + leftName + ": "
                + (line < a.length ? a[line] : "<end>") + "\n  " + rightName + ": " + (line < b.length
                        ? b[line]
                        : "<end>");
        differences.add(difference);
    }

    /** Every RunCompleted on the topic by run id (the last copy), waiting until there are at least {@code runs}. */
    private Map<String, CloudEvent<?>> completions(String topic, int runs) {
        Map<String, CloudEvent<?>> completions = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = PipelineBenchmark.consumer(
                system.stack().kafkaBootstrapServers(), "e2e-completions-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if ("dev.patchflow.RunCompleted".equals(header(record, "ce_type"))) {
                        try {
                            CloudEvent<?> event = codec.decode(record);
                            completions.put(event.runId(), event);
                        } catch (dev.patchflow.schemas.InvalidEventException malformed) {
                            // the first test's poison record on patchflow.runs: it is in its .dlq, not a completion
                        }
                    }
                }
                return completions.size() >= runs;
            });
        }
        return completions;
    }

    private JsonNode awaitRun(String runId, java.util.function.Predicate<JsonNode> condition) throws Exception {
        Instant deadline = Instant.now().plus(RUN_TIMEOUT);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            java.util.Optional<JsonNode> run = runs.run(runId);
            if (run.isPresent()) {
                last = run.get();
                if (condition.test(last)) {
                    return last;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " never got there; last view: " + last);
    }

    /** {@code patchctl runs <action>}: the runner's control API with the role's token. */
    private void control(String runId, String action, String role) throws Exception {
        String runner = system.service(PatchflowService.PATCH_RUNNER).baseUrl();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(runner + "/api/runs/" + runId + "/" + action
                        + "?reason=e2e")).header("Authorization", "Bearer " + system.token(role))
                        .timeout(Duration.ofSeconds(30)).POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(action + " of " + runId + ": " + response.body()).isIn(200, 202);
    }

    private void removeTooDeep() throws Exception {
        if (tooDeep != null && Files.exists(tooDeep)) {
            // rm works relative to each folder (openat): Java's absolute paths cannot reach below PATH_MAX.
            Process rm = new ProcessBuilder("rm", "-rf", tooDeep.toString()).inheritIO().start();
            assertThat(rm.waitFor()).isZero();
        }
    }

    /** The shell block of the root README that follows its {@code release-flow} marker, verbatim. */
    private String readmeReleaseFlow() throws IOException {
        List<String> lines = Files.readAllLines(home.resolve("README.md"));
        int marker = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("<!-- release-flow:")) {
                marker = i;
            }
        }
        assertThat(marker).as("the README's release-flow marker").isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```sh");
        StringBuilder block = new StringBuilder();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            block.append(lines.get(i)).append('\n');
        }
        return block.toString();
    }

    private static long countFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    // --- helpers -------------------------------------------------------------------------------

    private PatchRequested request(Path fleetRoot, boolean dryRun) {
        return request(fleetRoot, dryRun, new RolloutPolicy(null, "2"));
    }

    private PatchRequested request(Path fleetRoot, boolean dryRun, RolloutPolicy policy) {
        String runId = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        List<CheckSpec> checks = List.of(new CheckSpec("version", CheckSpec.VERSION, null, null, null, null, null),
                new CheckSpec("health", CheckSpec.COMMAND, List.of("sh", "bin/health.sh"), null, null, null, 30));
        return new PatchRequested(runId, Instant.now(), "e2e",
                new PatchSpec("demo-app", "1.1.0", PatchSpec.EXECUTOR_PROCESS,
                        List.of(home.resolve("examples/patches/demo-app/apply.sh").toString()), 60, Map.of()),
                new TargetSelector("directory", fleetRoot.toString(), "dev", List.of(), Map.of()),
                new RunOptions(dryRun, Phases.ALL, policy, checks));
    }

    private JsonNode publishAndAwait(PatchRequested request) throws Exception {
        publish(request);
        return runs.awaitCompleted(request.runId(), RUN_TIMEOUT);
    }

    private void publish(PatchRequested request) throws Exception {
        producer.send(codec.toRecord(CloudEvent.of("/patchflow/e2e", request))).get();
    }

    private static String typeOn(String topic) {
        return switch (topic) {
            case Topics.REQUESTS -> "PatchRequested";
            case Topics.SCANS -> "InstanceScanned";
            case Topics.BACKUPS -> "BackupCompleted";
            case Topics.PATCHES -> "PatchApplied";
            case Topics.VALIDATIONS -> "ValidationPassed";
            default -> "RunCompleted";
        };
    }

    private void startReadingDeadLetters() {
        List<String> topics = Topics.STAGES.stream().map(Topics::deadLetter).toList();
        deadLetterReader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = PipelineBenchmark.consumer(
                    system.stack().kafkaBootstrapServers(), "e2e-dead-letters")) {
                consumer.subscribe(topics);
                while (!stopping) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        deadLetters
                                .computeIfAbsent(record.topic(), t -> new java.util.concurrent.CopyOnWriteArrayList<>())
                                .add(record);
                    }
                }
            }
        }, "dead-letter-reader");
        deadLetterReader.start();
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private byte[] readObject(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(system.stack().s3Bucket()).object(key)
                .build())) {
            return in.readAllBytes();
        }
    }

    private static Map<String, JsonNode> byId(JsonNode run) {
        Map<String, JsonNode> targets = new HashMap<>();
        run.path("targets").forEach(t -> targets.put(t.path("targetId").asText(), t));
        return targets;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Relative path → SHA-256 of content and POSIX mode, for every file and folder under root. */
    private static Map<String, String> treeDigest(Path root) throws IOException {
        Map<String, String> digest = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.toList());
            for (Path path : all) {
                String mode = Files.getPosixFilePermissions(path).toString();
                String content = Files.isRegularFile(path) ? sha256(Files.readAllBytes(path)) : "dir";
                digest.put(root.relativize(path).toString(), content + " " + mode);
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
        return digest;
    }
}
