package dev.patchflow.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.commons.io.file.PathUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.backup.domain.RetentionSweeper;
import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.Phases;

/**
 * backup-svc against the real servers: a KRaft Kafka broker, a MongoDB wire server and s3proxy.
 * Everything is asserted where another service would see it: records on the topics, objects in the
 * bucket, documents in {@code backup.backups}.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class BackupPipelineIT {

    static final EventCodec CODEC = new EventCodec();
    static final String SCANNER = "/patchflow/scanner-svc";

    static KafkaProbe backups;
    static KafkaProbe deadLetters;
    static MinioClient s3;
    static String bucket;

    @Inject
    MongoClient mongo;

    @Inject
    RetentionSweeper sweeper;

    @BeforeAll
    static void probes() {
        LocalStack stack = LocalStackTestResource.current();
        backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
        deadLetters = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.deadLetter(Topics.SCANS));
        s3 = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
        bucket = stack.s3Bucket();
    }

    @AfterAll
    static void closeProbes() {
        backups.close();
        deadLetters.close();
    }

    @Test
    void archivesADirectoryTargetToS3AndEmitsBackupCompletedWithTheObjectsChecksumAndSize() throws Exception {
        Path install = demoInstall();
        InstanceScanned scanned = Fixtures.scanned("it-archive", Fixtures.directoryTarget("app-01", install));

        backups.send(CODEC.toRecord(CloudEvent.of(SCANNER, scanned)));

        ConsumerRecord<String, byte[]> record = backups.awaitKey("it-archive/app-01", 1).get(0);
        CloudEvent<?> event = CODEC.decode(record);
        BackupCompleted completed = event.as(BackupCompleted.class).data();
        assertThat(event.type()).isEqualTo(EventType.BACKUP_COMPLETED);
        assertThat(event.source()).isEqualTo("/patchflow/backup-svc");
        assertThat(completed.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(completed.location()).isEqualTo("s3://" + bucket + "/backups/it-archive/app-01.tar.gz");
        byte[] object = get("backups/it-archive/app-01.tar.gz");
        assertThat(completed.sha256()).isEqualTo(sha256(object));
        assertThat(completed.sizeBytes()).isEqualTo(object.length);
        assertThat(stat("backups/it-archive/app-01.tar.gz").userMetadata()).containsEntry("sha256",
                completed.sha256());
        assertThat(dev.patchflow.backup.domain.TreeArchiverTest.extract(object)).containsKeys("VERSION",
                "bin/health.sh", "current");
        Document doc = backupDocument("it-archive/app-01");
        assertThat(doc.getString("state")).isEqualTo("COMPLETED");
        assertThat(doc.getString("sha256")).isEqualTo(completed.sha256());
    }

    @Test
    void aRedeliveredInstanceScannedReEmitsTheRecordedEventAndUploadsNothing() throws Exception {
        Path install = demoInstall();
        InstanceScanned scanned = Fixtures.scanned("it-redeliver", Fixtures.directoryTarget("app-01", install));
        ProducerRecord<String, byte[]> scan = CODEC.toRecord(CloudEvent.of(SCANNER, scanned));
        backups.send(scan);
        ConsumerRecord<String, byte[]> first = backups.awaitKey("it-redeliver/app-01", 1).get(0);
        StatObjectResponse before = stat("backups/it-redeliver/app-01.tar.gz");
        // Were the backup redone, it would now fail: the install folder is gone.
        PathUtils.deleteDirectory(install);

        backups.send(scan);

        List<ConsumerRecord<String, byte[]>> both = backups.awaitKey("it-redeliver/app-01", 2);
        CloudEvent<?> again = CODEC.decode(both.get(1));
        assertThat(again.id()).isEqualTo(CODEC.decode(first).id());
        assertThat(both.get(1).value()).isEqualTo(first.value());
        assertThat(again.as(BackupCompleted.class).data().status()).isEqualTo(BackupStatus.COMPLETED);
        StatObjectResponse after = stat("backups/it-redeliver/app-01.tar.gz");
        assertThat(after.etag()).isEqualTo(before.etag());
        assertThat(after.lastModified()).isEqualTo(before.lastModified());
        assertThat(keysUnder("backups/it-redeliver/")).containsExactly("backups/it-redeliver/app-01.tar.gz");
        assertThat(backupDocument("it-redeliver/app-01").getInteger("attempt")).isEqualTo(1);
    }

    @Test
    void emitsSkippedWhenTheRunTurnedTheBackupPhaseOff() throws Exception {
        InstanceScanned scanned = Fixtures.scanned(Fixtures.run("it-phase-off", false, new Phases(false, true, true)),
                Fixtures.directoryTarget("app-01", demoInstall()));

        backups.send(CODEC.toRecord(CloudEvent.of(SCANNER, scanned)));

        BackupCompleted skipped = CODEC.decode(backups.awaitKey("it-phase-off/app-01", 1).get(0))
                .as(BackupCompleted.class)
                .data();
        assertThat(skipped.status()).isEqualTo(BackupStatus.SKIPPED);
        assertThat(skipped.note()).isEqualTo("backup phase off");
        assertThat(keysUnder("backups/it-phase-off/")).isEmpty();
    }

    @Test
    void emitsBackupFailedWithTheReasonWhenTheInstallFolderIsMissing() {
        Path missing = Path.of("/nonexistent/patchflow/app-09");
        InstanceScanned scanned = Fixtures.scanned("it-missing", Fixtures.directoryTarget("app-09", missing));

        backups.send(CODEC.toRecord(CloudEvent.of(SCANNER, scanned)));

        CloudEvent<?> event = CODEC.decode(backups.awaitKey("it-missing/app-09", 1).get(0));
        assertThat(event.type()).isEqualTo(EventType.BACKUP_FAILED);
        assertThat(event.as(BackupFailed.class).data().reason())
                .isEqualTo("install folder /nonexistent/patchflow/app-09 does not exist");
        assertThat(backupDocument("it-missing/app-09").getString("state")).isEqualTo("FAILED");
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithTheReasonAndTheConsumerGoesOn() throws Exception {
        backups.send(
                new ProducerRecord<>(Topics.SCANS, "it-dlq/garbage", "{not json".getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<String, byte[]> invalid = CODEC.toRecord(CloudEvent.of(SCANNER,
                Fixtures.scanned("it-dlq", Fixtures.staticTarget("web-01"))));
        ProducerRecord<String, byte[]> schemaInvalid = new ProducerRecord<>(Topics.SCANS, null, "it-dlq/invalid",
                "{\"run\": {\"runId\": \"it-dlq\"}}".getBytes(StandardCharsets.UTF_8), invalid.headers());
        backups.send(schemaInvalid);
        InstanceScanned valid = Fixtures.scanned("it-dlq", Fixtures.staticTarget("web-02"));
        backups.send(CODEC.toRecord(CloudEvent.of(SCANNER, valid)));

        ConsumerRecord<String, byte[]> garbage = deadLetters.awaitKey("it-dlq/garbage", 1).get(0);
        ConsumerRecord<String, byte[]> unschematic = deadLetters.awaitKey("it-dlq/invalid", 1).get(0);
        assertThat(reason(garbage)).isEqualTo("missing CloudEvents header ce_id");
        assertThat(garbage.value()).isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
        assertThat(reason(unschematic)).startsWith("InstanceScanned fails its schema");
        // Three services read patchflow.scans and share its DLQ: the record says which one refused it, and where it was.
        assertThat(header(garbage, DeadLetters.CONSUMER_GROUP)).isEqualTo("backup-svc");
        assertThat(header(garbage, DeadLetters.TOPIC)).isEqualTo(Topics.SCANS);
        assertThat(header(garbage, DeadLetters.OFFSET)).matches("[0-9]+");
        BackupCompleted next = CODEC.decode(backups.awaitKey("it-dlq/web-02", 1).get(0))
                .as(BackupCompleted.class)
                .data();
        assertThat(next.status()).isEqualTo(BackupStatus.SKIPPED);
    }

    @Test
    void theRetentionSweeperDeletesOldArchivesFromS3AndMarksThemExpired() throws Exception {
        InstanceScanned scanned = Fixtures.scanned("it-retention", Fixtures.directoryTarget("app-01", demoInstall()));
        backups.send(CODEC.toRecord(CloudEvent.of(SCANNER, scanned)));
        backups.awaitKey("it-retention/app-01", 1);
        assertThat(keysUnder("backups/it-retention/")).hasSize(1);

        RetentionSweeper.Sweep young = sweeper.sweep(Instant.now().plus(Duration.ofDays(6)));
        assertThat(keysUnder("backups/it-retention/")).hasSize(1);
        RetentionSweeper.Sweep old = sweeper.sweep(Instant.now().plus(Duration.ofDays(8)));

        assertThat(young.failed()).isZero();
        assertThat(old.expired()).isPositive();
        assertThat(old.failed()).isZero();
        assertThat(keysUnder("backups/it-retention/")).isEmpty();
        assertThatThrownBy(() -> stat("backups/it-retention/app-01.tar.gz")).isInstanceOf(ErrorResponseException.class);
        Document doc = backupDocument("it-retention/app-01");
        assertThat(doc.getString("state")).isEqualTo("EXPIRED");
        assertThat(doc.getDate("expiredAt")).isNotNull();
    }

    // --- helpers ---

    private static Path demoInstall() throws Exception {
        Path install = Files.createTempDirectory("backup-it-");
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        Files.createDirectories(install.resolve("bin"));
        Files.writeString(install.resolve("bin/health.sh"), "#!/bin/sh\nexit 0\n");
        Files.createSymbolicLink(install.resolve("current"), Path.of("bin"));
        return install;
    }

    private static String reason(ConsumerRecord<String, byte[]> record) {
        return header(record, CloudEventHeaders.DEAD_LETTER_REASON);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private Document backupDocument(String id) {
        return mongo.getDatabase("backup").getCollection("backups").find(new Document("_id", id)).first();
    }

    private static byte[] get(String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static StatObjectResponse stat(String key) throws Exception {
        return s3.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
    }

    private static List<String> keysUnder(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(
                ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
