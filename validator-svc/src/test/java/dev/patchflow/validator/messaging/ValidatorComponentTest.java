package dev.patchflow.validator.messaging;

import static dev.patchflow.validator.testing.Fixtures.applied;
import static dev.patchflow.validator.testing.Fixtures.directoryTarget;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.version;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/** The whole service with in-memory channels: skip rules, outcomes, metrics and health. */
@QuarkusTest
@WithTestResource(InMemoryChannels.class)
class ValidatorComponentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    private final EventCodec codec = new EventCodec();
    private InMemorySink<byte[]> validations;

    @TempDir
    Path install;

    @BeforeEach
    void clearSink() {
        validations = connector.sink(Topics.VALIDATIONS);
        validations.clear();
    }

    @Test
    void emitsASkippedPassWithoutChecksWhenTheValidationPhaseIsOff() {
        RunContext run = run("skip-phase",
                new RunOptions(false, new Phases(true, true, false), null, List.of(version("version", null))));

        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.APPLIED)));

        assertThat(awaitOutcome("skip-phase/app-01"))
                .isEqualTo(new ValidationPassed(run, target("app-01"), List.of(), true));
    }

    @Test
    void emitsASkippedPassWithoutChecksInADryRun() {
        RunContext run = run("skip-dry", new RunOptions(true, Phases.ALL, null, List.of(version("version", null))));

        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.DRY_RUN)));

        assertThat(awaitOutcome("skip-dry/app-01"))
                .isEqualTo(new ValidationPassed(run, target("app-01"), List.of(), true));
    }

    @Test
    void emitsASkippedPassWithoutChecksWhenThePatchWasSkipped() {
        RunContext run = run("skip-patch",
                new RunOptions(false, new Phases(true, false, true), null, List.of(version("version", null))));

        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.SKIPPED)));

        assertThat(awaitOutcome("skip-patch/app-01"))
                .isEqualTo(new ValidationPassed(run, target("app-01"), List.of(), true));
    }

    @Test
    void emitsAPassWithAnEmptyListWhenNoChecksAreConfigured() {
        RunContext run = run("no-checks", List.of());

        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.APPLIED)));

        assertThat(awaitOutcome("no-checks/app-01"))
                .isEqualTo(new ValidationPassed(run, target("app-01"), List.of(), false));
    }

    @Test
    void runsTheConfiguredChecksAndEmitsValidationFailedWithTheReason() throws Exception {
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        RunContext run = run("mismatch", List.of(version("version", null)));

        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.APPLIED)));

        PatchflowEvent outcome = awaitOutcome("mismatch/app-01");
        assertThat(outcome).isInstanceOf(ValidationFailed.class);
        assertThat(((ValidationFailed) outcome).failed()).containsExactly(new CheckResult("version", "version", false,
                "version file " + install.resolve("VERSION").toAbsolutePath() + " contains 1.0.0, expected 1.1.0"));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("patchflow_validator_validations_total{outcome=\"failed\"}"));
    }

    @Test
    void ignoresPatchFailedAndGoesOnWithTheNextEvent() {
        RunContext run = run("ignore-failed", List.of());
        send(CloudEvent.of("/patchflow/patch-runner-svc",
                new PatchFailed(run, target("app-02"), "exit code 1", 1, null, "boom", 5L, Map.of())));
        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.APPLIED)));

        awaitOutcome("ignore-failed/app-01");
        assertThat(validations.received()).extracting(ValidatorComponentTest::key)
                .doesNotContain(Optional.of("ignore-failed/app-02"));
    }

    @Test
    void acknowledgesPatchNotStartedWithoutValidatingOrDeadLettering() {
        RunContext run = run("not-started", List.of());
        PatchNotStarted notStarted = new PatchNotStarted(run, target("app-03"),
                PatchNotStarted.NotStartedStatus.CANCELLED, "not started: the run was cancelled");
        ProducerRecord<String, byte[]> produced = codec.toRecord(CloudEvent.of("/patchflow/patch-runner-svc",
                notStarted));
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(produced.topic(), 0, 0L, produced.key(),
                produced.value());
        produced.headers().forEach(h -> record.headers().add(h));
        java.util.concurrent.CompletableFuture<String> ending = new java.util.concurrent.CompletableFuture<>();
        connector.source(Topics.PATCHES).send(Message.of(Batches.of(record), () -> {
            ending.complete("ack");
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }, failure -> {
            // A nack would mean the batch failed.
            ending.complete("nack: " + failure.getMessage());
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }));
        send(CloudEvent.of("/patchflow/patch-runner-svc", applied(run, target("app-01"), PatchStatus.APPLIED)));

        awaitOutcome("not-started/app-01");
        assertThat(ending).succeedsWithin(WAIT).isEqualTo("ack");
        assertThat(validations.received()).extracting(ValidatorComponentTest::key)
                .doesNotContain(Optional.of("not-started/app-03"));
    }

    @Test
    void reportsReadyWhenRunning() {
        given().get("/q/health/ready").then().statusCode(200).body(containsString("UP"));
    }

    private Target target(String id) {
        return directoryTarget(id, install);
    }

    private void send(CloudEvent<?> event) {
        ProducerRecord<String, byte[]> produced = codec.toRecord(event);
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(produced.topic(), 0, 0L, produced.key(),
                produced.value());
        for (Header header : produced.headers()) {
            record.headers().add(header);
        }
        connector.source(Topics.PATCHES).send(Batches.of(record));
    }

    /** Waits for the outcome keyed {@code runId/targetId} and checks its envelope on the way. */
    private PatchflowEvent awaitOutcome(String key) {
        Message<byte[]> message = Awaitility.await().atMost(WAIT)
                .until(() -> validations.received().stream().filter(m -> key(m).equals(Optional.of(key))).findFirst(),
                        Optional::isPresent)
                .orElseThrow();
        Map<String, String> headers = headers(message);
        assertThat(headers).containsEntry(CloudEventHeaders.SOURCE, "/patchflow/validator-svc")
                .containsEntry(CloudEventHeaders.SUBJECT, key.substring(key.indexOf('/') + 1));
        CloudEvent<?> event = codec.decode(headers, message.getPayload());
        assertThat(event.id()).isEqualTo(dev.patchflow.schemas.EventIds.of(event.type(), event.runId(),
                event.data().targetId(), 0));
        assertThat(event.type()).isIn(EventType.VALIDATION_PASSED, EventType.VALIDATION_FAILED);
        return event.data();
    }

    @SuppressWarnings("unchecked")
    private static Optional<String> key(Message<byte[]> message) {
        return message.getMetadata(OutgoingKafkaRecordMetadata.class).map(m -> (String) m.getKey());
    }

    private static Map<String, String> headers(Message<byte[]> message) {
        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Header header : metadata.getHeaders()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }
}
