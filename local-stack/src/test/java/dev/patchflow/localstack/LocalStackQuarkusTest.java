package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.bson.Document;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Proves that a service's {@code @QuarkusTest} can have local-stack on its classpath (Kafka server jars included)
 * together with quarkus-messaging-kafka and quarkus-mongodb-client, and that the configuration it hands Quarkus works.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
class LocalStackQuarkusTest {

    @Inject
    @Channel("to-kafka")
    Emitter<String> emitter;

    @Inject
    KafkaEcho echo;

    @Inject
    MongoClient mongo;

    @ConfigProperty(name = "patchflow.s3.endpoint")
    String s3Endpoint;

    @Test
    void roundTripsARecordThroughAChannel() {
        String value = "hello-" + UUID.randomUUID();
        emitter.send(value).toCompletableFuture().join();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(echo.received()).contains(value));
    }

    @Test
    void writesAndReadsAMongoDocument() {
        var collection = mongo.getDatabase("localstack").getCollection("quarkus");
        collection.insertOne(new Document("_id", "q-1").append("state", "written"));

        assertThat(collection.find(new Document("_id", "q-1")).first()).containsEntry("state", "written");
    }

    @Test
    void putsAndGetsAnS3ObjectAndExposesTheRunningStack() throws Exception {
        LocalStack stack = LocalStackTestResource.current();
        assertThat(stack.s3Endpoint()).isEqualTo(s3Endpoint);

        LocalStackIT.putObject(stack, "logs/run-q/target-q.log", "patched");

        assertThat(LocalStackIT.getObject(stack, "logs/run-q/target-q.log")).isEqualTo("patched");
        assertThat(LocalStackIT.consumeAll(stack, KafkaEcho.TOPIC)).isNotEmpty();
    }
}
