package dev.patchflow.scanner.messaging;

import static dev.patchflow.scanner.support.Requests.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.scanner.support.Fleet;
import dev.patchflow.scanner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.ScanCompleted;

/** The service against a real KRaft broker and mongo-java-server: serde, keys, headers, redelivery, dead letters. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class, initArgs = @ResourceArg(name = "s3", value = "false"))
class ScannerKafkaIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    /**
     * Looked up, not injected: test classes are beans of the application under test, and an injected
     * {@code kafka.bootstrap.servers} would fail the start of the in-memory component test.
     */
    private static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    @Inject
    MongoClient mongo;

    @TempDir
    Path dir;

    private final EventCodec codec = new EventCodec();

    @Test
    void emitsDecodableEventsKeyedByRunAndTarget() {
        Fleet fleet = new Fleet(dir);
        fleet.install("app-01", "1.0.0");
        fleet.install("app-02", "1.0.0");
        PatchRequested request = request().runId("it-basic").targets("directory", dir.toString()).build();

        publish(Records.produced(request));

        List<ConsumerRecord<String, byte[]>> scans = consume(Topics.SCANS, "it-basic", records -> records.size() >= 3);
        assertThat(scans).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("it-basic/app-01",
                "it-basic/app-02", "it-basic");
        assertThat(scans).allSatisfy(record -> {
            CloudEvent<?> event = codec.decode(record);
            assertThat(event.source()).isEqualTo("/patchflow/scanner-svc");
            assertThat(event.data().runId()).isEqualTo("it-basic");
        });
        assertThat(scans.stream().map(codec::decode).map(CloudEvent::data)
                .filter(ScanCompleted.class::isInstance)).singleElement()
                .isEqualTo(new ScanCompleted(request.context(), 2));
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aRedeliveredRequestProducesNoSecondScan() {
        Fleet fleet = new Fleet(dir);
        fleet.install("app-01", "1.0.0");
        fleet.install("app-02", "1.0.0");
        fleet.install("app-03", "1.0.0");
        ProducerRecord<String, byte[]> record = Records.produced(
                request().runId("it-redelivered").targets("directory", dir.toString()).build());

        publish(record);
        consume(Topics.SCANS, "it-redelivered", records -> records.size() >= 4);
        // The fleet changes before the same event arrives again: the run's target list must not.
        fleet.install("app-04", "1.0.0");
        publish(record);

        List<ConsumerRecord<String, byte[]>> scans = consume(Topics.SCANS, "it-redelivered",
                records -> records.size() >= 8);
        Map<String, Long> perId = scans.stream()
                .collect(Collectors.groupingBy(r -> header(r, CloudEventHeaders.ID), Collectors.counting()));
        assertThat(perId).hasSize(4).allSatisfy((id, count) -> assertThat(count).isEqualTo(2));
        assertThat(scans).extracting(ConsumerRecord::key).doesNotContain("it-redelivered/app-04");
        assertThat(mongo.getDatabase("scanner").getCollection("scan_targets")
                .countDocuments(new Document("runId", "it-redelivered"))).isEqualTo(3);
        assertThat(mongo.getDatabase("scanner").getCollection("scans").find(new Document("_id", "it-redelivered"))
                .first()).containsEntry("targetCount", 3).containsEntry("emissions", 2);
    }

    @Test
    void malformedRequestsGoToTheDeadLetterTopicWithTheReasonAndLaterRequestsAreStillScanned() {
        PatchRequested valid = request().runId("it-dlq-ok").targets("static", "/no/such.yaml").checks().build();
        Map<String, String> headers = Records.headersOf(Records.produced(valid));

        publish(raw("it-dlq-not-json", headers, "{not json"));
        publish(raw("it-dlq-schema", headers,
                new String(codec.body(request().runId("it-dlq-ok").maxConcurrency("0%").build()),
                        StandardCharsets.UTF_8)));
        Map<String, String> unknownType = new java.util.LinkedHashMap<>(headers);
        unknownType.put(CloudEventHeaders.TYPE, "dev.patchflow.PatchRequestedV9");
        publish(raw("it-dlq-type", unknownType, new String(codec.body(valid), StandardCharsets.UTF_8)));
        publish(Records.produced(valid));

        List<ConsumerRecord<String, byte[]>> dead = consume(Topics.deadLetter(Topics.REQUESTS), null,
                records -> records.size() >= 3);
        // The keys differ, so the three may sit on different partitions: look them up by key.
        Map<String, ConsumerRecord<String, byte[]>> byKey = dead.stream()
                .collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        assertThat(byKey).containsOnlyKeys("it-dlq-not-json", "it-dlq-schema", "it-dlq-type");
        assertThat(header(byKey.get("it-dlq-not-json"), CloudEventHeaders.DEAD_LETTER_REASON))
                .startsWith("PatchRequested: body is not JSON");
        assertThat(header(byKey.get("it-dlq-schema"), CloudEventHeaders.DEAD_LETTER_REASON))
                .startsWith("PatchRequested fails its schema").contains("maxConcurrency");
        assertThat(header(byKey.get("it-dlq-type"), CloudEventHeaders.DEAD_LETTER_REASON))
                .isEqualTo("unknown ce_type dev.patchflow.PatchRequestedV9");
        assertThat(new String(byKey.get("it-dlq-not-json").value(), StandardCharsets.UTF_8)).isEqualTo("{not json");

        List<ConsumerRecord<String, byte[]>> scans = consume(Topics.SCANS, "it-dlq-ok", records -> !records.isEmpty());
        assertThat(header(scans.get(0), CloudEventHeaders.TYPE)).isEqualTo(EventType.RUN_REJECTED.ceType());
    }

    @Test
    void scansTenThousandTargetsInSeconds() throws IOException {
        StringBuilder inventory = new StringBuilder("targets:\n");
        for (int i = 0; i < 10_000; i++) {
            inventory.append("  - {id: host-").append(i).append(", environment: prod, labels: {tier: web}}\n");
        }
        Files.writeString(dir.resolve("big.yaml"), inventory);
        PatchRequested request = request().runId("it-big").targets("static", dir.resolve("big.yaml").toString())
                .checks().build();

        long start = System.nanoTime();
        publish(Records.produced(request));
        List<ConsumerRecord<String, byte[]>> scans = consume(Topics.SCANS, "it-big",
                records -> records.stream().anyMatch(r -> EventType.SCAN_COMPLETED.ceType()
                        .equals(header(r, CloudEventHeaders.TYPE))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofSeconds(60));
        Set<String> targets = scans.stream().map(codec::decode).map(CloudEvent::data)
                .filter(InstanceScanned.class::isInstance).map(e -> e.targetId()).collect(Collectors.toSet());
        // ScanCompleted goes out only after every InstanceScanned was acknowledged.
        assertThat(targets).hasSize(10_000);
        assertThat(mongo.getDatabase("scanner").getCollection("scan_targets")
                .countDocuments(new Document("runId", "it-big"))).isEqualTo(10_000);
    }

    private ProducerRecord<String, byte[]> raw(String key, Map<String, String> headers, String body) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, value) -> kafkaHeaders.add(name, value.getBytes(StandardCharsets.UTF_8)));
        return new ProducerRecord<>(Topics.REQUESTS, null, key, body.getBytes(StandardCharsets.UTF_8), kafkaHeaders);
    }

    private void publish(ProducerRecord<String, byte[]> record) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + record.key(), e);
        }
    }

    /**
     * Reads the topic from the beginning until {@code done} holds for the records of the run
     * ({@code ce_runid}, or every record when {@code runId} is null), in log order per partition.
     */
    private List<ConsumerRecord<String, byte[]>> consume(String topic, String runId,
            Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (runId == null || runId.equals(header(record, CloudEventHeaders.RUN_ID))) {
                        seen.add(record);
                    }
                }
                return done.test(seen);
            });
        }
        return seen;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
