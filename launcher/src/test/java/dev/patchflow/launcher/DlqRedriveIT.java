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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
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
 * {@code patchctl dlq} against the five packaged services (issue #13, point 4): a malformed record is dead-lettered
 * by every consumer group that reads its topic, listed with reason and group, and counted in each service's
 * {@code patchflow_consumer_dead_letters_total}; re-driving an event every service already handled changes nothing
 * (idempotent consumers), and re-driving a valid event that a consumer had refused gets it handled end to end.
 * <p>
 * A DLQ record of a valid event is written here as service-kit's DeadLetters writes one (original key, value and
 * CloudEvent headers plus the dead-letter headers): the services of this build refuse no valid request, so this
 * stands for a record refused by an earlier, since-fixed consumer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DlqRedriveIT {

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final List<String> GROUPS = List.of("scanner-svc", "backup-svc", "patch-runner-svc",
            "validator-svc", "report-svc");

    private final EventCodec codec = new EventCodec();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path home;
    private Path work;
    private PatchflowSystem system;
    private RunWatcher runs;
    private KafkaProducer<String, byte[]> producer;
    private Admin admin;

    @BeforeAll
    void startEverything() throws Exception {
        home = LauncherMain.home();
        work = Files.createTempDirectory(Files.createDirectories(home.resolve("launcher/target")), "dlq-");
        system = PatchflowSystem.start(home, work, false, Map.of(), line -> System.out.println("[dlq] " + line));
        runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
        producer = PipelineBenchmark.producer(bootstrap());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    @AfterAll
    void stopEverything() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (system != null) {
            system.close();
        }
    }

    private String bootstrap() {
        return system.stack().kafkaBootstrapServers();
    }

    @Test
    void listsAMalformedRecordWithEveryRefusingGroupAndCountsItPerTopic() throws Exception {
        String runId = "dlq-bad-" + UUID.randomUUID().toString().substring(0, 8);
        List<Header> headers = List.of(header(CloudEventHeaders.ID, "bad-" + runId),
                header(CloudEventHeaders.SOURCE, "/dlq-it"), header(CloudEventHeaders.TYPE,
                        "dev.patchflow.PatchRequested"),
                header(CloudEventHeaders.SPEC_VERSION, "1.0"), header(CloudEventHeaders.TIME, Instant.now().toString()),
                header(CloudEventHeaders.SUBJECT, runId), header(CloudEventHeaders.RUN_ID, runId));
        producer.send(new ProducerRecord<>(Topics.REQUESTS, null, runId, "{not json".getBytes(StandardCharsets.UTF_8),
                headers)).get();

        // scanner-svc and report-svc both read patchflow.requests; each dead-letters what it cannot decode
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String out = patchctl("dlq", "list", "--topic", Topics.REQUESTS, "--run", runId).out();
            return out.contains("scanner-svc") && out.contains("report-svc");
        });
        Result list = patchctl("dlq", "list", "--topic", Topics.REQUESTS, "--run", runId);
        System.out.println("[dlq] patchctl dlq list --topic " + Topics.REQUESTS + " --run " + runId + "\n"
                + list.out());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.lines().get(1)).startsWith("REF").contains("REFUSED BY", "ORIGINAL", "REASON");
        assertThat(list.records(runId)).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).contains("PatchRequested", Topics.REQUESTS + " ")
                        .containsIgnoringCase("not JSON"));

        for (PatchflowService service : List.of(PatchflowService.SCANNER, PatchflowService.REPORT)) {
            assertThat(metric(service, "patchflow_consumer_dead_letters_total", Topics.REQUESTS, "invalid"))
                    .as("dead letters counted by " + service).isGreaterThanOrEqualTo(1.0);
            assertThat(metric(service, "patchflow_consumer_dead_letters_total", Topics.REQUESTS, "refused"))
                    .as("every class is there from the start").isNotNull();
        }
    }

    @Test
    void reDrivingAnAlreadyHandledEventChangesNothingAndAReDrivenRefusedEventIsHandled() throws Exception {
        // 1. A run that every service handles.
        List<Path> fleet = new DemoFleet(home, work.resolve("fleet-handled")).create("handled", 3, "dev");
        PatchRequested handled = request("dlq-handled", fleet.get(0).getParent());
        producer.send(codec.toRecord(CloudEvent.of("/patchflow/dlq-it", handled))).get();
        JsonNode before = runs.awaitCompleted(handled.runId(), RUN_TIMEOUT);
        assertThat(before.path("outcome").asText()).isEqualTo("SUCCEEDED");
        awaitEveryConsumerCaughtUp();
        String csvBefore = report(handled.runId(), "csv");
        Map<Path, List<String>> historyBefore = histories(fleet);

        // 2. Its PatchRequested in the DLQ, as though report-svc had refused it while the others handled it.
        ConsumerRecord<String, byte[]> original = find(Topics.REQUESTS, handled.runId());
        deadLetter(original, "report-svc", "refused by report-svc before the fix");
        Result redrive = patchctl("dlq", "redrive", "--topic", Topics.REQUESTS, "--run", handled.runId());
        System.out.println("[dlq] patchctl dlq redrive --topic " + Topics.REQUESTS + " --run " + handled.runId()
                + "\n" + redrive.out() + redrive.err());
        assertThat(redrive.exitCode()).as(redrive.err()).isZero();
        assertThat(redrive.lines().get(0)).startsWith("re-drove " + Topics.REQUESTS + ".dlq ")
                .contains("-> " + Topics.REQUESTS + " ", "PatchRequested", "run " + handled.runId());
        assertThat(redrive.lines()).last().isEqualTo("re-drove 1 record");

        // Every consumer of the topic read the re-driven record (and every consumer whatever it led to); nothing
        // changed downstream.
        String[] at = redrive.lines().get(0).split("-> " + Topics.REQUESTS + " ")[1].split("\\s+")[0].split(":");
        TopicPartition partition = new TopicPartition(Topics.REQUESTS, Integer.parseInt(at[0]));
        long offset = Long.parseLong(at[1]);
        for (String group : List.of("scanner-svc", "report-svc")) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> committed(group, partition) > offset);
        }
        awaitEveryConsumerCaughtUp();
        assertThat(runs.run(handled.runId()).orElseThrow()).isEqualTo(before);
        assertThat(report(handled.runId(), "csv")).isEqualTo(csvBefore);
        assertThat(histories(fleet)).as("the patch did not run again").isEqualTo(historyBefore);

        // 3. A valid request that never got through: in the DLQ only. Re-driven, it runs end to end.
        List<Path> fixedFleet = new DemoFleet(home, work.resolve("fleet-fixed")).create("fixed", 2, "dev");
        PatchRequested fixed = request("dlq-fixed", fixedFleet.get(0).getParent());
        ProducerRecord<String, byte[]> record = codec.toRecord(CloudEvent.of("/patchflow/dlq-it", fixed));
        List<Header> dlqHeaders = new ArrayList<>(List.of(record.headers().toArray()));
        dlqHeaders.addAll(deadLetterHeaders("scanner-svc", "refused by scanner-svc before the fix", 0, 0));
        producer.send(new ProducerRecord<>(Topics.deadLetter(Topics.REQUESTS), null, record.key(), record.value(),
                dlqHeaders)).get();
        assertThat(runs.run(fixed.runId())).as("nobody has seen the run yet").isEmpty();

        Result show = patchctl("dlq", "show", "--topic", Topics.REQUESTS, ref(fixed.runId()));
        System.out.println("[dlq] patchctl dlq show\n" + show.out() + show.err());
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("refused by:  scanner-svc", "run:         " + fixed.runId(),
                "\"runId\" : \"" + fixed.runId() + "\"");

        Result second = patchctl("dlq", "redrive", "--topic", Topics.REQUESTS, ref(fixed.runId()));
        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode done = runs.awaitCompleted(fixed.runId(), RUN_TIMEOUT);
        assertThat(done.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(done.path("targets")).hasSize(2);
        for (Path install : fixedFleet) {
            assertThat(Files.readAllLines(install.resolve(".patch-history"))).hasSize(1);
        }
    }

    private PatchRequested request(String prefix, Path fleetRoot) {
        String runId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new PatchRequested(runId, Instant.now(), "dlq-it",
                new PatchSpec("demo-app", "1.1.0", PatchSpec.EXECUTOR_PROCESS,
                        List.of(home.resolve("examples/patches/demo-app/apply.sh").toString()), 60, Map.of()),
                new TargetSelector("directory", fleetRoot.toString(), "dev", List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, new RolloutPolicy(null, "4"),
                        List.of(new CheckSpec("version", CheckSpec.VERSION, null, null, null, null, null))));
    }

    /** The DLQ record's {@code <partition>:<offset>} as {@code dlq list} prints it. */
    private String ref(String runId) throws Exception {
        Result list = patchctl("dlq", "list", "--topic", Topics.REQUESTS, "--run", runId);
        String line = list.records(runId).stream().findFirst().orElseThrow(
                () -> new AssertionError("no DLQ record of " + runId + ":\n" + list.out() + list.err()));
        return line.split("\\s+")[0];
    }

    private void deadLetter(ConsumerRecord<String, byte[]> original, String group, String reason) throws Exception {
        List<Header> headers = new ArrayList<>(List.of(original.headers().toArray()));
        headers.addAll(deadLetterHeaders(group, reason, original.partition(), original.offset()));
        producer.send(new ProducerRecord<>(Topics.deadLetter(original.topic()), null, original.key(),
                original.value(), headers)).get();
    }

    private static List<Header> deadLetterHeaders(String group, String reason, int partition, long offset) {
        return List.of(header(CloudEventHeaders.DEAD_LETTER_REASON, reason),
                header(CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP, group),
                header(CloudEventHeaders.DEAD_LETTER_TOPIC, Topics.REQUESTS),
                header(CloudEventHeaders.DEAD_LETTER_PARTITION, String.valueOf(partition)),
                header(CloudEventHeaders.DEAD_LETTER_OFFSET, String.valueOf(offset)));
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private ConsumerRecord<String, byte[]> find(String topic, String key) {
        try (KafkaConsumer<String, byte[]> consumer = PipelineBenchmark.consumer(bootstrap(),
                "dlq-it-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(0);
        }
    }

    private long committed(String group, TopicPartition partition) throws Exception {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS).get(partition);
        return committed == null ? -1 : committed.offset();
    }

    /** Every service's consumer group has committed the end of every partition it reads, twice in a row. */
    private void awaitEveryConsumerCaughtUp() {
        int[] streak = {0};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            streak[0] = caughtUp() ? streak[0] + 1 : 0;
            return streak[0] >= 3;
        });
    }

    private boolean caughtUp() throws Exception {
        for (String group : GROUPS) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                if (e.getValue() == null || e.getValue().offset() < ends.get(e.getKey()).offset()) {
                    return false;
                }
            }
            if (committed.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private String report(String runId, String format) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(system.reportUrl() + "/api/runs/"
                + runId + "/report." + format)).header("Authorization", "Bearer " + system.token("viewer"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static Map<Path, List<String>> histories(List<Path> fleet) throws IOException {
        Map<Path, List<String>> histories = new HashMap<>();
        for (Path install : fleet) {
            histories.put(install, Files.readAllLines(install.resolve(".patch-history")));
        }
        return histories;
    }

    /** A counter's value on a service's {@code /q/metrics}, or null when the series is not there. */
    private Double metric(PatchflowService service, String name, String topic, String reasonClass) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(system.service(service).baseUrl()
                + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        for (String line : response.body().lines().toList()) {
            if (line.startsWith(name + "{") && line.contains("topic=\"" + topic + "\"")
                    && line.contains("reason_class=\"" + reasonClass + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }

    record Result(int exitCode, String out, String err) {

        List<String> lines() {
            return out.lines().toList();
        }

        /** The record rows of {@code dlq list} (they start with their {@code <partition>:<offset>}) of a run. */
        List<String> records(String runId) {
            return lines().stream().filter(l -> l.matches("^\\d+:\\d+\\s.*") && l.contains(runId)).toList();
        }
    }

    /** The packaged patchctl, as an operator runs it, pointed at this system's broker. */
    private Result patchctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-jar",
                home.resolve("patchctl/target/quarkus-app/quarkus-run.jar")
                        .toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--bootstrap-servers", bootstrap(), "--kafka-timeout", "30s"));
        Path out = Files.createTempFile(work, "patchctl", ".out");
        Path err = Files.createTempFile(work, "patchctl", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("patchctl " + String.join(" ", args) + " did not end");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
