package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import dev.patchflow.schemas.Topics;

/**
 * The three servers against their real clients. The first test gets its stack from {@link LocalStackExtension} (one
 * per class), so the others also prove that several stacks can run in one JVM.
 */
@ExtendWith(LocalStackExtension.class)
class LocalStackIT {

    @Test
    void startsKafkaMongoAndS3ThatRoundTripData(LocalStack stack) throws Exception {
        {
            assertThat(stack.kafkaBootstrapServers()).startsWith("127.0.0.1:");
            assertThat(stack.mongoConnectionString()).startsWith("mongodb://127.0.0.1:");
            assertThat(stack.s3Endpoint()).startsWith("http://127.0.0.1:");
            assertThat(stack.serviceProperties()).containsKeys("kafka.bootstrap.servers",
                    "quarkus.mongodb.connection-string", "patchflow.s3.endpoint", "patchflow.s3.access-key",
                    "patchflow.s3.secret-key", "patchflow.s3.bucket", "patchflow.s3.region");

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafkaBootstrapServers()))) {
                var topics = admin.describeTopics(List.of(Topics.SCANS, Topics.deadLetter(Topics.RUNS))).allTopicNames()
                        .get();
                assertThat(topics.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(3));
            }

            produce(stack, Topics.SCANS, "run-1/target-1", "scanned");
            assertThat(consumeAll(stack, Topics.SCANS)).contains("run-1/target-1=scanned");

            writeDoc(stack, "doc-1");
            assertThat(readDoc(stack, "doc-1")).isEqualTo("doc-1-value");

            putObject(stack, "backups/run-1/target-1.tar.gz", "archive");
            assertThat(getObject(stack, "backups/run-1/target-1.tar.gz")).isEqualTo("archive");
        }
    }

    @Test
    void dataSurvivesARestartOfTheStack(@TempDir Path dataDir) throws Exception {
        int kafkaPort = freePort();
        int mongoPort = freePort();
        int s3Port = freePort();
        LocalStack.Builder builder = LocalStack.builder()
                .dataDir(dataDir)
                .kafkaPort(kafkaPort)
                .mongoPort(mongoPort)
                .s3Port(s3Port)
                .persistentMongo(true);

        try (LocalStack stack = builder.start()) {
            produce(stack, Topics.REQUESTS, "run-9", "requested");
            writeDoc(stack, "kept");
            putObject(stack, "reports/run-9/report.json", "{\"ok\":true}");
        }
        String clusterId = clusterId(dataDir);
        assertThat(clusterId).isNotBlank();
        assertThat(dataDir.resolve("mongo.mv")).exists();
        assertThat(dataDir.resolve("s3").resolve(LocalStack.BUCKET)).isDirectory();
        assertThat(dataDir.resolve("s3proxy.log")).exists();

        try (LocalStack stack = builder.start()) {
            assertThat(stack.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            assertThat(consumeAll(stack, Topics.REQUESTS)).contains("run-9=requested");
            assertThat(readDoc(stack, "kept")).isEqualTo("kept-value");
            assertThat(getObject(stack, "reports/run-9/report.json")).isEqualTo("{\"ok\":true}");
        }
        assertThat(clusterId(dataDir)).as("the storage is not formatted again").isEqualTo(clusterId);
    }

    private static String clusterId(Path dataDir) throws Exception {
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("kafka/meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    @Test
    void takenPortIsAClearErrorNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> LocalStack.builder().kafkaPort(port).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Kafka port " + port + " on 127.0.0.1 is already in use");
            assertThatThrownBy(() -> LocalStack.builder().kafka(false).mongoPort(port).start())
                    .hasMessage("Mongo port " + port + " on 127.0.0.1 is already in use");
            assertThatThrownBy(() -> LocalStack.builder().kafka(false).mongo(false).s3Port(port).start())
                    .hasMessage("S3 port " + port + " on 127.0.0.1 is already in use");
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    static void produce(LocalStack stack, String topic, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(), ProducerConfig.ACKS_CONFIG,
                "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Everything on the topic from the beginning, polled until at least one record arrived (or 30 s). */
    static List<String> consumeAll(LocalStack stack, String topic) {
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG,
                "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(record.key() + "=" + record.value());
                }
                return !seen.isEmpty();
            });
        }
        return seen;
    }

    private static MongoCollection<Document> collection(MongoClient client) {
        return client.getDatabase("localstack-it").getCollection("things");
    }

    static void writeDoc(LocalStack stack, String id) {
        try (MongoClient client = MongoClients.create(stack.mongoConnectionString())) {
            collection(client).insertOne(new Document("_id", id).append("value", id + "-value"));
        }
    }

    static String readDoc(LocalStack stack, String id) {
        try (MongoClient client = MongoClients.create(stack.mongoConnectionString())) {
            Document doc = collection(client).find(new Document("_id", id)).first();
            return doc == null ? null : doc.getString("value");
        }
    }

    static MinioClient s3(LocalStack stack) {
        return MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region("us-east-1")
                .build();
    }

    static void putObject(LocalStack stack, String key, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        s3(stack).putObject(PutObjectArgs.builder().bucket(stack.s3Bucket()).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }

    static String getObject(LocalStack stack, String key) throws Exception {
        try (InputStream in = s3(stack).getObject(GetObjectArgs.builder().bucket(stack.s3Bucket()).object(key)
                .build())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
