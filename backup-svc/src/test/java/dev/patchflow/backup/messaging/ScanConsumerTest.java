package dev.patchflow.backup.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.bson.Document;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.mongodb.client.MongoClient;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.backup.Fixtures;
import dev.patchflow.backup.InMemoryStackResource;
import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.ScanCompleted;

/**
 * The service wired end to end with in-memory channels, a MongoDB wire server and an S3 endpoint that
 * refuses connections. Kafka-specific behaviour (serde on the wire, dead letters) is in
 * {@code BackupPipelineIT}.
 */
@QuarkusTest
@WithTestResource(InMemoryStackResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScanConsumerTest {

    static final EventCodec CODEC = new EventCodec();
    static long offset;

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    MongoClient mongo;

    InMemorySource<ConsumerRecords<String, byte[]>> scans;
    InMemorySink<byte[]> backups;

    @BeforeEach
    void channels() {
        scans = connector.source(Topics.SCANS);
        backups = connector.sink(Topics.BACKUPS);
        backups.clear();
    }

    @Test
    void emitsSkippedForAStaticTargetKeyedByRunAndTargetAndRecordsIt() {
        InstanceScanned scanned = Fixtures.scanned("c-static", Fixtures.staticTarget("web-01"));

        scans.send(batch(record(scanned)));

        CloudEvent<?> out = awaitOne();
        BackupCompleted completed = out.as(BackupCompleted.class).data();
        assertThat(out.type()).isEqualTo(EventType.BACKUP_COMPLETED);
        assertThat(out.source()).isEqualTo("/patchflow/backup-svc");
        assertThat(out.key()).isEqualTo("c-static/web-01");
        assertThat(completed.status()).isEqualTo(BackupStatus.SKIPPED);
        assertThat(completed.note()).isEqualTo("nothing to archive for static targets");
        assertThat(completed.target()).isEqualTo(scanned.target());
        assertThat(lastKey()).isEqualTo("c-static/web-01");
        assertThat(backupDocument("c-static/web-01").getString("state")).isEqualTo("SKIPPED");
    }

    /**
     * S3 being down is a dependency failure, not the target's: the backup waits (claimed, IN_PROGRESS), nothing is
     * emitted, and readiness names the consumer that is retrying and why. (Before the shared pipeline this emitted
     * BackupFailed, which failed a perfectly good target for a brief outage.) Runs last: its batch never passes.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void waitsWithoutEmittingAndIsNotReadyWhileS3IsUnreachable() throws IOException {
        Path install = Files.createTempDirectory("app-");
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        InstanceScanned scanned = Fixtures.scanned("c-s3down", Fixtures.directoryTarget("app-01", install));

        scans.send(batch(record(scanned)));

        String endpoint = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("patchflow.s3.endpoint", String.class);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.find { it.name == 'patchflow consumers' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'patchflow consumers' }.data.'patchflow.scans'",
                        containsString("S3 at " + endpoint + " is unreachable")));
        assertThat(backups.received()).isEmpty();
        assertThat(backupDocument("c-s3down/app-01").getString("state")).isEqualTo("IN_PROGRESS");
    }

    @Test
    void aRedeliveredScanGetsTheSameEventIdAndBodyAgain() {
        InstanceScanned scanned = Fixtures.scanned("c-redeliver", Fixtures.staticTarget("web-02"));
        scans.send(batch(record(scanned)));
        CloudEvent<?> first = awaitOne();
        backups.clear();

        scans.send(batch(record(scanned)));

        CloudEvent<?> again = awaitOne();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.data()).isEqualTo(first.data());
        assertThat(backupDocument("c-redeliver/web-02").getInteger("attempt")).isEqualTo(1);
    }

    @Test
    void ignoresOtherTypesOfTheScansTopic() {
        scans.send(batch(record(new ScanCompleted(Fixtures.run("c-ignore", false, null), 1))));
        scans.send(batch(record(Fixtures.scanned("c-ignore", Fixtures.staticTarget("web-03")))));

        await().atMost(Duration.ofSeconds(20)).until(() -> !backups.received().isEmpty());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> backups.received().size() == 1);
        assertThat(decode(backups.received().get(0)).type()).isEqualTo(EventType.BACKUP_COMPLETED);
    }

    @Test
    void readinessIsDownWhileS3CannotBeReached() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(503)
                .body("checks.name", hasItem("s3"))
                .body("checks.find { it.name == 's3' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 's3' }.data.error", containsString("unreachable"));
    }

    @Test
    void exposesBackupMetricsForPrometheus() {
        scans.send(batch(record(Fixtures.scanned("c-metrics", Fixtures.staticTarget("web-04")))));
        awaitOne();

        given().when().get("/q/metrics").then().statusCode(200).body(containsString("patchflow_backup_outcomes"));
    }

    private CloudEvent<?> awaitOne() {
        await().atMost(Duration.ofSeconds(30)).until(() -> backups.received().size() == 1);
        return decode(backups.received().get(0));
    }

    private String lastKey() {
        List<? extends Message<byte[]>> received = backups.received();
        return (String) received.get(received.size() - 1)
                .getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow()
                .getKey();
    }

    private static CloudEvent<?> decode(Message<byte[]> message) {
        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        return CODEC.decode(EventCodec.headerMap(metadata.getHeaders()), message.getPayload());
    }

    private Document backupDocument(String id) {
        return mongo.getDatabase("backup").getCollection("backups").find(new Document("_id", id)).first();
    }

    static ConsumerRecords<String, byte[]> batch(ConsumerRecord<String, byte[]> record) {
        return Batches.of(record);
    }

    /** A consumed record exactly as the scanner's producer would have written it. */
    static ConsumerRecord<String, byte[]> record(PatchflowEvent data) {
        ProducerRecord<String, byte[]> produced = CODEC.toRecord(CloudEvent.of("/patchflow/scanner-svc", data));
        return new ConsumerRecord<>(produced.topic(), 0, offset++, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, -1, -1, produced.key(), produced.value(),
                new RecordHeaders(produced.headers().toArray()), Optional.empty());
    }
}
