package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

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
 * A dependency that is briefly down delays work and never loses or dead-letters it (issue #8, point 2): the five
 * packaged services on the embedded stack, a 200-target run, and in its middle the MongoDB-wire server (in the
 * other test, S3) taken down for 20 seconds and brought back on the same port with its data. The run completes,
 * every target has exactly one terminal status, no dead-letter topic holds a record of the run, and the patch ran
 * exactly once on every install (its own invocation record). While the dependency is down the services that need
 * it say so on their readiness endpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyOutageIT {

    private static final int TARGETS = 200;
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    /**
     * The patch's timeout. A target whose outcome could not be written while MongoDB was down is retried once its
     * claim's lease (timeout + {@link #LEASE_GRACE}) expires: with the runner's defaults (a 60 s timeout here, 60 s
     * grace) the run then idled for about 100 s after the outage. 30 s is still many times what the demo patch takes,
     * and the lease (35 s) still outlasts the outage, so a claim taken just before it is never released while its
     * patch may still be running.
     */
    private static final int PATCH_TIMEOUT_SECONDS = 30;
    private static final Duration LEASE_GRACE = Duration.ofSeconds(5);

    private final EventCodec codec = new EventCodec();
    private final Map<String, List<ConsumerRecord<String, byte[]>>> deadLetters = new ConcurrentHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path home;
    private Path work;
    private PatchflowSystem system;
    private RunWatcher runs;
    private KafkaProducer<String, byte[]> producer;
    private Thread deadLetterReader;
    private volatile boolean stopping;

    @BeforeAll
    void startEverything() throws Exception {
        home = LauncherMain.home();
        work = Files.createTempDirectory(home.resolve("launcher/target"), "outage-");
        // Persistent MongoDB-wire state: the server is stopped and started again with what it had.
        // Short lease grace and sweeps, so that a target whose claim outlived a failed write is retried soon after
        // the outage, as the runner's own crash tests do.
        system = PatchflowSystem.start(home, work, false, true,
                Map.of("patchflow.runner.lease-grace", LEASE_GRACE.toSeconds() + "s",
                        "patchflow.runner.lease-check-interval", "1s"),
                line -> System.out.println("[outage] " + line));
        runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
        producer = PipelineBenchmark.producer(system.stack().kafkaBootstrapServers());
        startReadingDeadLetters();
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
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
    void aRunCompletesOnceEachThoughMongoDbIsDownForTwentySecondsInItsMiddle() throws Exception {
        runThroughAnOutage("mongo", () -> system.stack().stopMongo(), () -> system.stack().startMongo(),
                EnumSet.of(PatchflowService.SCANNER, PatchflowService.BACKUP, PatchflowService.PATCH_RUNNER,
                        PatchflowService.VALIDATOR, PatchflowService.REPORT));
    }

    @Test
    void aRunCompletesOnceEachThoughS3IsDownForTwentySecondsInItsMiddle() throws Exception {
        runThroughAnOutage("s3", () -> system.stack().stopS3(), () -> system.stack().startS3(),
                EnumSet.of(PatchflowService.BACKUP));
    }

    private void runThroughAnOutage(String dependency, Runnable stop, Runnable start,
            Set<PatchflowService> needIt) throws Exception {
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-" + dependency)).create(dependency, TARGETS, "dev");
        PatchRequested request = request(fleet.get(0).getParent());
        producer.send(codec.toRecord(CloudEvent.of("/patchflow/outage-it", request))).get();

        // In the middle of the run: some installs patched, most not yet.
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> patched(fleet) >= TARGETS / 10);
        stop.run();
        Instant downSince = Instant.now();
        try {
            // A service that cannot reach the dependency says it is not ready (its consumers wait, nothing is
            // committed past the record in hand), rather than failing or dead-lettering events.
            await().atMost(OUTAGE).pollInterval(Duration.ofMillis(500))
                    .until(() -> needIt.stream().anyMatch(service -> readiness(service) == 503));
        } finally {
            Duration left = OUTAGE.minus(Duration.between(downSince, Instant.now()));
            if (!left.isNegative()) {
                Thread.sleep(left.toMillis());
            }
            start.run();
        }
        int patchedDuringOutage = patched(fleet);
        assertThat(patchedDuringOutage).as("the run was in its middle when %s went down", dependency)
                .isLessThan(TARGETS);

        JsonNode run = runs.awaitCompleted(request.runId(), RUN_TIMEOUT);

        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        JsonNode targets = run.path("targets");
        assertThat(targets).hasSize(TARGETS);
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode target : targets) {
            assertThat(statuses.put(target.path("targetId").asText(), target.path("status").asText()))
                    .as("one terminal status for " + target.path("targetId").asText()).isNull();
        }
        assertThat(statuses.values()).containsOnly("SUCCEEDED");
        for (Path install : fleet) {
            assertThat(Files.readAllLines(install.resolve(".patch-history")))
                    .as("patch invocations of " + install.getFileName()).hasSize(1);
        }
        for (PatchflowService service : needIt) {
            await().atMost(Duration.ofMinutes(1)).until(() -> readiness(service) == 200);
        }
        assertThat(deadLettersOf(request.runId())).as("dead letters of run " + request.runId()).isEmpty();
    }

    private PatchRequested request(Path fleetRoot) {
        String runId = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        return new PatchRequested(runId, Instant.now(), "outage-it",
                new PatchSpec("demo-app", "1.1.0", PatchSpec.EXECUTOR_PROCESS,
                        List.of(home.resolve("examples/patches/demo-app/apply.sh").toString()), PATCH_TIMEOUT_SECONDS,
                        Map.of()),
                new TargetSelector("directory", fleetRoot.toString(), "dev", List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, new RolloutPolicy(null, "8"),
                        List.of(new CheckSpec("version", CheckSpec.VERSION, null, null, null, null, null))));
    }

    private static int patched(List<Path> fleet) {
        return (int) fleet.stream().filter(install -> Files.exists(install.resolve(".patch-history"))).count();
    }

    private int readiness(PatchflowService service) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(system.service(service).baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private List<String> deadLettersOf(String runId) {
        return deadLetters.values().stream().flatMap(List::stream)
                .filter(record -> record.key() != null && record.key().startsWith(runId)
                        || new String(record.value() == null ? new byte[0] : record.value(), StandardCharsets.UTF_8)
                                .contains(runId))
                .map(record -> record.topic() + " " + record.key())
                .toList();
    }

    private void startReadingDeadLetters() {
        List<String> topics = Topics.STAGES.stream().map(Topics::deadLetter).toList();
        deadLetterReader = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = PipelineBenchmark.consumer(
                    system.stack().kafkaBootstrapServers(), "outage-dead-letters")) {
                consumer.subscribe(topics);
                while (!stopping) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        deadLetters.computeIfAbsent(record.topic(), t -> new CopyOnWriteArrayList<>()).add(record);
                    }
                }
            }
        }, "dead-letter-reader");
        deadLetterReader.start();
    }
}
