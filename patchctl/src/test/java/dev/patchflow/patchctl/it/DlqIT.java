package dev.patchflow.patchctl.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.patchctl.cli.CliRun;
import dev.patchflow.patchctl.cli.ExitCodes;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.Topics;

/**
 * {@code patchctl dlq list|show|redrive} against a real KRaft broker. The DLQ records are written exactly as
 * service-kit's DeadLetters writes them (original key, value and headers plus the dead-letter headers). Each test
 * uses topics of its own, so they do not see each other's records.
 */
class DlqIT {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(stack -> stack.mongo(false).s3(false));

    static KafkaProducer<String, byte[]> producer;
    static Admin admin;

    String topic;
    String dlq;

    @BeforeAll
    static void clients() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    @AfterAll
    static void closeClients() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    @BeforeEach
    void topics() throws Exception {
        topic = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".scans";
        dlq = Topics.deadLetter(topic);
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(dlq, 1, (short) 1))).all().get();
    }

    static String bootstrap() {
        return STACK.stack().kafkaBootstrapServers();
    }

    private CliRun dlq(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", bootstrap(), "--kafka-timeout", "20s"));
        return CliRun.of(all);
    }

    /** A record of {@code topic} as the pipeline would write it, and its dead letter as DeadLetters writes it. */
    private RecordMetadata deadLetter(String runId, String targetId, String body, String group, String reason,
            long originalOffset) throws Exception {
        String key = targetId == null ? runId : runId + "/" + targetId;
        List<Header> headers = new ArrayList<>(ceHeaders(runId, targetId));
        headers.add(header(CloudEventHeaders.DEAD_LETTER_REASON, reason));
        headers.add(header(CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP, group));
        headers.add(header(CloudEventHeaders.DEAD_LETTER_TOPIC, topic));
        headers.add(header(CloudEventHeaders.DEAD_LETTER_PARTITION, "0"));
        headers.add(header(CloudEventHeaders.DEAD_LETTER_OFFSET, String.valueOf(originalOffset)));
        return producer.send(new ProducerRecord<>(dlq, 0, key, body.getBytes(StandardCharsets.UTF_8), headers))
                .get();
    }

    private static List<Header> ceHeaders(String runId, String targetId) {
        return List.of(header(CloudEventHeaders.ID, "evt-" + runId + "-" + targetId),
                header(CloudEventHeaders.SOURCE, "/patchflow/scanner-svc"),
                header(CloudEventHeaders.TYPE, "dev.patchflow.TargetScanned"),
                header(CloudEventHeaders.SPEC_VERSION, "1.0"),
                header(CloudEventHeaders.SUBJECT, targetId == null ? runId : targetId),
                header(CloudEventHeaders.RUN_ID, runId),
                header(CloudEventHeaders.CONTENT_TYPE, "application/json"));
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void listsEachDeadLetterWithItsReasonRefusingGroupOriginAndRunAndTarget() throws Exception {
        deadLetter("run-a", "web-01", "{\"runId\":\"run-a\"}", "backup-svc", "$.targetId: is missing but it is "
                + "required", 7);
        deadLetter("run-b", "web-02", "{\"runId\":\"run-b\"}", "report-svc", "not JSON", 9);

        CliRun all = dlq("dlq", "list", "--topic", topic);

        assertThat(all.exitCode()).as(all.err()).isEqualTo(ExitCodes.OK);
        assertThat(all.outLines().get(0)).isEqualTo(dlq + ": 2 records");
        assertThat(all.outLines().get(1)).startsWith("REF").contains("TYPE", "RUN", "TARGET", "REFUSED BY",
                "ORIGINAL", "REASON");
        assertThat(all.outLines().get(2)).startsWith("0:0").contains("TargetScanned", "run-a", "web-01",
                "backup-svc", topic + " 0:7", "$.targetId: is missing but it is required");
        assertThat(all.outLines().get(3)).startsWith("0:1").contains("run-b", "web-02", "report-svc",
                topic + " 0:9", "not JSON");

        CliRun onlyB = dlq("dlq", "list", "--topic", dlq, "--run", "run-b");
        assertThat(onlyB.exitCode()).as(onlyB.err()).isEqualTo(ExitCodes.OK);
        assertThat(onlyB.outLines()).hasSize(3);
        assertThat(onlyB.outLines().get(0)).isEqualTo(dlq + ": 1 record of run run-b");
        assertThat(onlyB.outLines().get(2)).startsWith("0:1").contains("run-b");

        // Without --topic: every DLQ on the broker, this one among them.
        CliRun everyDlq = dlq("dlq", "list", "--run", "run-a");
        assertThat(everyDlq.exitCode()).as(everyDlq.err()).isEqualTo(ExitCodes.OK);
        assertThat(everyDlq.out()).contains(dlq + ": 1 record of run run-a");
    }

    @Test
    void showsOneRecordWholeWithHeadersAndPrettyJson() throws Exception {
        deadLetter("run-s", "db-01", "{\"runId\":\"run-s\",\"targetId\":\"db-01\",\"version\":\"1.0\"}",
                "patch-runner-svc", "TargetScanned does not belong on " + topic, 3);

        CliRun show = dlq("dlq", "show", "--topic", topic, "0:0");

        assertThat(show.exitCode()).as(show.err()).isEqualTo(ExitCodes.OK);
        assertThat(show.out()).contains(dlq + " 0:0", "reason:      TargetScanned does not belong on " + topic,
                "refused by:  patch-runner-svc", "original:    " + topic + " 0:3",
                "type:        dev.patchflow.TargetScanned", "run:         run-s", "target:      db-01",
                "key:         run-s/db-01", "  ce_id: evt-run-s-db-01",
                "  dead-letter-consumer-group: patch-runner-svc",
                "body (52 bytes):",
                "{\n  \"runId\" : \"run-s\",\n  \"targetId\" : \"db-01\",\n  \"version\" : \"1.0\"\n}"
                        .replace("\n", System.lineSeparator()));

        CliRun missing = dlq("dlq", "show", "--topic", topic, "0:42");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).contains("no record 0:42 in " + dlq + " (it holds 1");

        CliRun bad = dlq("dlq", "show", "--topic", topic, "zero");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("'zero' is not a record reference: expected <partition>:<offset>");
    }

    @Test
    void redrivesChosenRecordsToTheirTopicWithKeyCloudEventHeadersAndBodyButNoDeadLetterHeaders()
            throws Exception {
        deadLetter("run-r", "web-01", "{\"n\":1}", "backup-svc", "first", 0);
        deadLetter("run-r", "web-02", "{\"n\":2}", "backup-svc", "second", 1);
        deadLetter("run-x", "web-03", "{\"n\":3}", "backup-svc", "other run", 2);

        CliRun byRef = dlq("dlq", "redrive", "--topic", topic, "0:1");
        assertThat(byRef.exitCode()).as(byRef.err()).isEqualTo(ExitCodes.OK);
        assertThat(byRef.outLines()).containsExactly(
                "re-drove " + dlq + " 0:1 -> " + topic
                        + " 0:0  TargetScanned  run run-r  target web-02  key run-r/web-02",
                "re-drove 1 record");

        CliRun byRun = dlq("dlq", "redrive", "--topic", topic, "--run", "run-r");
        assertThat(byRun.exitCode()).as(byRun.err()).isEqualTo(ExitCodes.OK);
        assertThat(byRun.lastOutLine()).isEqualTo("re-drove 2 records");

        List<ConsumerRecord<String, byte[]>> sent = readAll(topic, 3);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactly("run-r/web-02", "run-r/web-01",
                "run-r/web-02");
        assertThat(sent).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("{\"n\":2}",
                "{\"n\":1}", "{\"n\":2}");
        for (ConsumerRecord<String, byte[]> record : sent) {
            List<String> headerNames = List.of(record.headers().toArray()).stream().map(Header::key).toList();
            assertThat(headerNames).containsExactly(CloudEventHeaders.ID, CloudEventHeaders.SOURCE,
                    CloudEventHeaders.TYPE, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SUBJECT,
                    CloudEventHeaders.RUN_ID, CloudEventHeaders.CONTENT_TYPE);
        }
        // The DLQ keeps its records (Kafka deletes nothing): a later re-drive is harmless for idempotent consumers.
        assertThat(dlq("dlq", "list", "--topic", topic).outLines().get(0)).isEqualTo(dlq + ": 3 records");

        CliRun otherRun = dlq("dlq", "redrive", "--topic", topic, "--run", "run-r", "0:2");
        assertThat(otherRun.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(otherRun.err()).contains(dlq + " 0:2 belongs to run run-x, not run-r");

        CliRun nothingNamed = dlq("dlq", "redrive", "--topic", topic);
        assertThat(nothingNamed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(nothingNamed.err()).contains("name the records to re-drive");
    }

    @Test
    void aRecordRefusedByTwoGroupsIsReDrivenOnce() throws Exception {
        deadLetter("run-t", "web-01", "{\"n\":1}", "scanner-svc", "bad", 5);
        deadLetter("run-t", "web-01", "{\"n\":1}", "report-svc", "bad", 5);

        CliRun redrive = dlq("dlq", "redrive", "--topic", topic, "--run", "run-t");

        assertThat(redrive.exitCode()).as(redrive.err()).isEqualTo(ExitCodes.OK);
        assertThat(redrive.outLines()).containsExactly(
                "re-drove " + dlq + " 0:0 -> " + topic
                        + " 0:0  TargetScanned  run run-t  target web-01  key run-t/web-01",
                "skipped  " + dlq + " 0:1: the same record (" + topic + "/0:5) was just re-driven",
                "re-drove 1 record");
        assertThat(readAll(topic, 1)).hasSize(1);
    }

    @Test
    void readingDeadLettersJoinsNoConsumerGroupAndCommitsNothing() throws Exception {
        deadLetter("run-q", "web-01", "{}", "validator-svc", "why", 0);
        Set<String> before = groups();

        assertThat(dlq("dlq", "list").exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(dlq("dlq", "show", "--topic", topic, "0").exitCode()).isEqualTo(ExitCodes.OK);

        assertThat(groups()).isEqualTo(before);
    }

    @Test
    void aMissingBrokerIsNamed() {
        CliRun run = CliRun.of("dlq", "list", "--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2s");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("Kafka not reachable at 127.0.0.1:1");
    }

    private static Set<String> groups() throws Exception {
        Collection<ConsumerGroupListing> listings = admin.listConsumerGroups().all().get();
        return listings.stream().map(ConsumerGroupListing::groupId).collect(Collectors.toSet());
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(), ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }
}
