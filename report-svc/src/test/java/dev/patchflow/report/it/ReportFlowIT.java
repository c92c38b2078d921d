package dev.patchflow.report.it;

import static dev.patchflow.report.support.Fixtures.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.KafkaTopics;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunOutcome;

/**
 * report-svc against a real Kafka broker, MongoDB-wire server and S3 (local-stack): events in as the
 * other services publish them, RunCompleted / dead letters / report objects / HTTP answers out.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(LocalAuthTestResource.class)
class ReportFlowIT {

    static final EventCodec CODEC = new EventCodec();
    static final Set<String> INPUT_TOPICS = Set.of(Topics.REQUESTS, Topics.SCANS, Topics.BACKUPS, Topics.PATCHES,
            Topics.VALIDATIONS, Topics.RUNS);

    static final Logger LOG = Logger.getLogger(ReportFlowIT.class);

    static KafkaTopics kafka;
    static LocalStack stack;

    @BeforeAll
    static void connect() {
        stack = LocalStackTestResource.current();
        kafka = new KafkaTopics(stack.kafkaBootstrapServers());
    }

    /** The flow is read as a viewer (who may read is AuthMatrixTest's subject); per test, once Quarkus set the port. */
    @BeforeEach
    void readAsViewer() {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalAuthTestResource.token("viewer")).build();
    }

    @AfterAll
    static void disconnect() {
        RestAssured.requestSpecification = null;
        kafka.close();
    }

    static void publish(List<PatchflowEvent> events) {
        events.forEach(e -> kafka.send(CODEC.toRecord(event(e))));
    }

    static List<ConsumerRecord<String, byte[]>> completions(String runId) {
        return kafka.readAll(Topics.RUNS).stream()
                .filter(r -> EventType.RUN_COMPLETED.ceType().equals(KafkaTopics.header(r, CloudEventHeaders.TYPE)))
                .filter(r -> runId.equals(KafkaTopics.header(r, CloudEventHeaders.RUN_ID))).toList();
    }

    static MinioClient s3() {
        return MinioClient.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region()).build();
    }

    @Test
    void shuffledRunCompletesOnceWithReportsInS3AndTheApiDespiteAMalformedValidation() throws Exception {
        String runId = "it-run-1";
        List<PatchflowEvent> events = new ArrayList<>(Fixtures.run(runId, 4));
        Collections.shuffle(events, new Random(7));
        publish(events.subList(0, events.size() / 2));
        // A record that is not an event at all, in the middle of the run, on the validations topic.
        RecordHeaders headers = new RecordHeaders();
        headers.add(CloudEventHeaders.ID, "broken-1".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SOURCE, "/patchflow/validator-svc".getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.TYPE, EventType.VALIDATION_PASSED.ceType().getBytes(StandardCharsets.UTF_8));
        headers.add(CloudEventHeaders.SPEC_VERSION, "1.0".getBytes(StandardCharsets.UTF_8));
        kafka.send(new ProducerRecord<>(Topics.VALIDATIONS, null, runId + "/app-01",
                "{not json".getBytes(StandardCharsets.UTF_8), headers));
        publish(events.subList(events.size() / 2, events.size()));

        await().atMost(Duration.ofSeconds(60)).until(() -> !completions(runId).isEmpty());
        ConsumerRecord<String, byte[]> record = completions(runId).get(0);
        assertThat(record.key()).isEqualTo(runId);
        assertThat(KafkaTopics.header(record, CloudEventHeaders.SOURCE)).isEqualTo("/patchflow/report-svc");
        RunCompleted done = CODEC.decode(record).as(RunCompleted.class).data();
        assertThat(done.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(done.counts()).isEqualTo(new RunCounts(6, 4, 2, 0, 0, 0));
        assertThat(done.reportLocation()).isEqualTo("s3://patchflow/reports/" + runId + "/");

        // The malformed record is in the dead-letter topic, with the reason.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kafka.readAll(
                Topics.deadLetter(Topics.VALIDATIONS))).anySatisfy(dead -> {
                    assertThat(KafkaTopics.header(dead, CloudEventHeaders.ID)).isEqualTo("broken-1");
                    assertThat(KafkaTopics.header(dead, CloudEventHeaders.DEAD_LETTER_REASON))
                            .contains("ValidationPassed").contains("not JSON");
                }));

        // The four reports are in S3 with their content types.
        for (String name : List.of("report.csv", "report.json", "report.html", "report.xml")) {
            var stat = s3().statObject(StatObjectArgs.builder().bucket(stack.s3Bucket())
                    .object("reports/" + runId + "/" + name).build());
            assertThat(stat.size()).as(name).isPositive();
        }
        try (InputStream csv = s3().getObject(GetObjectArgs.builder().bucket(stack.s3Bucket())
                .object("reports/" + runId + "/report.csv").build())) {
            assertThat(new String(csv.readAllBytes(), StandardCharsets.UTF_8).lines()).hasSize(7);
        }

        // The API shows the completed run.
        given().get("/api/runs/{id}", runId).then().statusCode(200).body("state", equalTo("COMPLETED"))
                .body("outcome", equalTo("FAILED")).body("expectedTargets", equalTo(6))
                .body("counts.terminal", equalTo(6)).body("counts.failed", equalTo(2))
                .body("reportLocation", equalTo("s3://patchflow/reports/" + runId + "/"))
                .body("targets.size()", equalTo(6)).body("targets[4].status", equalTo("FAILED"));
        given().get("/api/runs").then().statusCode(200).body("runId", org.hamcrest.Matchers.hasItem(runId));
        given().get("/").then().statusCode(200).body(containsString(runId));
        given().get("/runs/{id}", runId).then().statusCode(200).body(containsString("app-06"))
                .body(containsString("exit code 3: disk full"));

        // Every event delivered again: nothing changes, no second RunCompleted.
        publish(events);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> kafka.caughtUp("report-svc", INPUT_TOPICS));
        assertThat(completions(runId)).hasSize(1);
        given().get("/api/runs/{id}", runId).then().statusCode(200).body("counts.terminal", equalTo(6))
                .body("state", equalTo("COMPLETED"));
    }

    /**
     * Throughput through the broker: records produced as fast as the producer batches them; logs the
     * rate (about 350 events/s on the shared 2-core build machine, i.e. ~2 min for a 10,000-target run).
     */
    @Test
    void thousandTargetRunThroughTheBrokerCompletesOnceWithEveryTargetCounted() {
        String runId = "it-run-large";
        int targets = 1000;
        List<PatchflowEvent> events = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            String id = String.format("t-%04d", i);
            events.add(Fixtures.scanned(runId, id));
            events.add(Fixtures.backedUp(runId, id));
            events.add(Fixtures.applied(runId, id, PatchStatus.ALREADY_APPLIED));
            events.add(Fixtures.validated(runId, id));
        }
        Collections.shuffle(events, new Random(3));
        events.add(Fixtures.scanCompleted(runId, targets));

        long start = System.nanoTime();
        events.forEach(e -> kafka.sendAsync(CODEC.toRecord(event(e))));
        kafka.flush();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !completions(runId).isEmpty());
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.infof("%d events of a %d-target run consumed and completed in %d ms (%.0f events/s)", events.size(),
                targets, millis, events.size() * 1000.0 / millis);

        RunCompleted done = CODEC.decode(completions(runId).get(0)).as(RunCompleted.class).data();
        assertThat(done.counts()).isEqualTo(new RunCounts(targets, targets, 0, targets, 0, 0));
        assertThat(completions(runId)).hasSize(1);
        given().get("/api/runs/{id}", runId).then().statusCode(200).body("counts.alreadyApplied", equalTo(targets))
                .body("targets.size()", equalTo(targets));
    }

    @Test
    void rejectedRunCompletesWithOutcomeRejectedOverKafka() {
        String runId = "it-run-rejected";
        publish(List.of(Fixtures.requested(runId), Fixtures.rejected(runId, "unknown provider 'ec3'")));

        await().atMost(Duration.ofSeconds(60)).until(() -> !completions(runId).isEmpty());
        RunCompleted done = CODEC.decode(completions(runId).get(0)).as(RunCompleted.class).data();
        assertThat(done.outcome()).isEqualTo(RunOutcome.REJECTED);
        assertThat(done.reason()).isEqualTo("unknown provider 'ec3'");
        given().get("/api/runs/{id}/report.xml", runId).then().statusCode(200)
                .contentType(containsString("application/xml"))
                .header("Content-Disposition", containsString(runId + "-report.xml"));
    }

    @Test
    void unknownRunIsA404WithAJsonError() {
        given().get("/api/runs/{id}", "no-such-run").then().statusCode(404).contentType(containsString("json"))
                .body("error", containsString("no-such-run"));
    }
}
