package dev.patchflow.validator.messaging;

import static dev.patchflow.validator.testing.Fixtures.applied;
import static dev.patchflow.validator.testing.Fixtures.command;
import static dev.patchflow.validator.testing.Fixtures.directoryTarget;
import static dev.patchflow.validator.testing.Fixtures.http;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/** The service against a real KRaft broker: serde, headers, keys, dead letters, redelivery. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, initArgs = {@ResourceArg(name = "mongo", value = "false"),
        @ResourceArg(name = "s3", value = "false")})
class ValidatorKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String RUNNER = "/patchflow/patch-runner-svc";

    private static HttpServer server;

    // Not an injected @ConfigProperty: Quarkus validates injection points of every test class, and
    // the in-memory component test runs without a broker address.
    private final String bootstrapServers = LocalStackTestResource.current().kafkaBootstrapServers();

    @TempDir
    Path install;

    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void startHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stopHttpServer() {
        server.stop(0);
    }

    @Test
    void emitsValidationFailedListingExactlyTheFailedChecksWithReasonsKeyAndHeaders() throws Exception {
        Files.writeString(install.resolve("VERSION"), "1.1.0\n");
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        RunContext run = run("it-failed", List.of(version("version", null),
                command("health", null, "sh", "-c", "echo checking; echo 'db unreachable'; exit 3"),
                http("ready", base + "/ready", null, 5), http("down", base + "/down", null, 5),
                version("release", "RELEASE")));
        Target target = directoryTarget("app-01", install);

        try (KafkaProbe validations = new KafkaProbe(bootstrapServers, Topics.VALIDATIONS)) {
            produce(codec.toRecord(CloudEvent.of(RUNNER, applied(run, target, PatchStatus.APPLIED))));

            ConsumerRecord<String, byte[]> record = validations.awaitFirst(r -> "it-failed/app-01".equals(r.key()));

            Map<String, String> headers = EventCodec.headerMap(record.headers());
            assertThat(headers).containsEntry(CloudEventHeaders.TYPE, "dev.patchflow.ValidationFailed")
                    .containsEntry(CloudEventHeaders.SOURCE, "/patchflow/validator-svc")
                    .containsEntry(CloudEventHeaders.SPEC_VERSION, "1.0")
                    .containsEntry(CloudEventHeaders.SUBJECT, "app-01")
                    .containsEntry(CloudEventHeaders.RUN_ID, "it-failed")
                    .containsEntry(CloudEventHeaders.CONTENT_TYPE, "application/json")
                    .containsEntry(CloudEventHeaders.ID,
                            EventIds.of(EventType.VALIDATION_FAILED, "it-failed", "app-01", 0));
            ValidationFailed outcome = codec.decode(record).as(ValidationFailed.class).data();
            assertThat(outcome.checks()).extracting(CheckResult::name)
                    .containsExactly("version", "health", "ready", "down", "release");
            assertThat(outcome.failed()).containsExactly(
                    new CheckResult("health", "command", false, "exit code 3: db unreachable"),
                    new CheckResult("down", "http", false, "HTTP 503 from " + base + "/down, expected 200"),
                    new CheckResult("release", "version", false,
                            "version file " + install.resolve("RELEASE").toAbsolutePath() + " does not exist"));
            assertThat(outcome.target()).isEqualTo(target);
            assertThat(outcome.run()).isEqualTo(run);
        }
    }

    @Test
    void deadLettersMalformedRecordsWithTheReasonAndGoesOn() {
        RunContext run = run("it-dlq", List.of());
        Target target = directoryTarget("app-09", install);
        CloudEvent<PatchApplied> valid = CloudEvent.of(RUNNER, applied(run, target, PatchStatus.APPLIED));
        ProducerRecord<String, byte[]> notJson = new ProducerRecord<>(Topics.PATCHES, null, "it-dlq/not-json",
                "{ not json".getBytes(StandardCharsets.UTF_8), codec.toRecord(valid).headers());
        ProducerRecord<String, byte[]> noHeaders = new ProducerRecord<>(Topics.PATCHES, "it-dlq/no-headers",
                codec.body(valid.data()));

        try (KafkaProbe dlq = new KafkaProbe(bootstrapServers, Topics.deadLetter(Topics.PATCHES));
                KafkaProbe validations = new KafkaProbe(bootstrapServers, Topics.VALIDATIONS)) {
            produce(notJson);
            produce(noHeaders);
            produce(codec.toRecord(valid));

            ConsumerRecord<String, byte[]> deadNotJson = dlq.awaitFirst(r -> "it-dlq/not-json".equals(r.key()));
            assertThat(reason(deadNotJson)).startsWith("PatchApplied: body is not JSON");
            assertThat(deadNotJson.value()).isEqualTo(notJson.value());
            ConsumerRecord<String, byte[]> deadNoHeaders = dlq.awaitFirst(r -> "it-dlq/no-headers".equals(r.key()));
            assertThat(reason(deadNoHeaders)).isEqualTo("missing CloudEvents header ce_id");

            ConsumerRecord<String, byte[]> outcome = validations.awaitFirst(r -> "it-dlq/app-09".equals(r.key()));
            assertThat(codec.decode(outcome).data()).isEqualTo(new ValidationPassed(run, target, List.of(), false));
        }
    }

    @Test
    void acknowledgesPatchFailedWithoutEmittingOrDeadLetteringIt() {
        RunContext run = run("it-ignore", List.of());
        Target failedTarget = directoryTarget("app-02", install);
        Target appliedTarget = directoryTarget("app-03", install);
        ProducerRecord<String, byte[]> patchFailed = codec.toRecord(CloudEvent.of(RUNNER,
                new PatchFailed(run, failedTarget, "exit code 1: boom", 1, null, "boom", 3L, Map.of())));
        // Both followers share the PatchFailed's key, hence its partition: they are consumed after it.
        ProducerRecord<String, byte[]> applied = codec
                .toRecord(CloudEvent.of(RUNNER, applied(run, appliedTarget, PatchStatus.APPLIED)));
        // A malformed PatchApplied (the validator's type, so the validator dead-letters it) after both: once it is in
        // the DLQ, the PatchFailed before it was consumed. The PatchFailed itself is not even decoded here (its own
        // consumer, report-svc, validates it).
        ProducerRecord<String, byte[]> sentinel = new ProducerRecord<>(Topics.PATCHES, null, patchFailed.key(),
                "sentinel".getBytes(StandardCharsets.UTF_8), applied.headers());

        try (KafkaProbe validations = new KafkaProbe(bootstrapServers, Topics.VALIDATIONS);
                KafkaProbe dlq = new KafkaProbe(bootstrapServers, Topics.deadLetter(Topics.PATCHES))) {
            produce(patchFailed);
            produce(new ProducerRecord<>(Topics.PATCHES, null, patchFailed.key(), applied.value(), applied.headers()));
            produce(sentinel);

            validations.awaitFirst(r -> "it-ignore/app-03".equals(r.key()));
            dlq.awaitFirst(r -> Arrays.equals(sentinel.value(), r.value()));
            assertThat(validations.seen()).noneMatch(r -> "it-ignore/app-02".equals(r.key()));
            assertThat(dlq.seen()).filteredOn(r -> "it-ignore/app-02".equals(r.key())).singleElement()
                    .satisfies(r -> assertThat(r.value()).isEqualTo(sentinel.value()));
        }
    }

    @Test
    void aRedeliveredPatchAppliedIsAnsweredWithTheSameDeterministicEventId() {
        RunContext run = run("it-redelivery", List.of());
        Target target = directoryTarget("app-04", install);
        ProducerRecord<String, byte[]> record = codec
                .toRecord(CloudEvent.of(RUNNER, applied(run, target, PatchStatus.ALREADY_APPLIED)));

        try (KafkaProbe validations = new KafkaProbe(bootstrapServers, Topics.VALIDATIONS)) {
            produce(record);
            produce(record);

            List<ConsumerRecord<String, byte[]>> outcomes = validations
                    .awaitMatching(r -> "it-redelivery/app-04".equals(r.key()), 2);
            assertThat(outcomes).extracting(r -> EventCodec.headerMap(r.headers()).get(CloudEventHeaders.ID))
                    .containsOnly(EventIds.of(EventType.VALIDATION_PASSED, "it-redelivery", "app-04", 0));
        }
    }

    private static String reason(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(CloudEventHeaders.DEAD_LETTER_REASON);
        assertThat(header).as("dead-letter-reason header").isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private void produce(ProducerRecord<String, byte[]> record) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not produce " + record.key(), e);
        }
    }
}
