package dev.patchflow.scanner.messaging;

import static dev.patchflow.scanner.support.Requests.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.localstack.testing.MongoServerResource;
import dev.patchflow.scanner.support.Fleet;
import dev.patchflow.scanner.support.InMemoryMessagingResource;
import dev.patchflow.scanner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventIds;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.RunRejected;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;

/**
 * The service with in-memory channels and mongo-java-server: a PatchRequested goes in, and what comes
 * out on {@code patchflow.scans} (key, ce_* headers, body) is decoded with the contract's codec.
 */
@QuarkusTest
@WithTestResource(InMemoryMessagingResource.class)
@WithTestResource(MongoServerResource.class)
class ScannerComponentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector(InMemoryConnector.CONNECTOR)
    InMemoryConnector connector;

    @Inject
    MongoClient mongo;

    private final EventCodec codec = new EventCodec();
    private InMemorySource<Object> requests;
    private InMemorySink<byte[]> scans;

    @BeforeEach
    void channels() {
        requests = connector.source(Topics.REQUESTS);
        scans = connector.sink(Topics.SCANS);
        scans.clear();
    }

    /** Sends a record (a batch of one) and returns how it was settled: null when acked, the failure when nacked. */
    private CompletableFuture<Throwable> send(ConsumerRecord<String, byte[]> record) {
        CompletableFuture<Throwable> settled = new CompletableFuture<>();
        requests.send(Message.of(Batches.of(record), () -> {
            settled.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            settled.complete(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return settled;
    }

    private record Emitted(String key, Map<String, String> headers, CloudEvent<?> event) {
    }

    private List<Emitted> emitted() {
        return scans.received().stream().map(message -> {
            OutgoingKafkaRecordMetadata<?> kafka = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
            Map<String, String> headers = EventCodec.headerMap(kafka.getHeaders());
            return new Emitted((String) kafka.getKey(), headers, codec.decode(headers, message.getPayload()));
        }).toList();
    }

    @Test
    void emitsInstanceScannedPerSelectedTargetThenScanCompleted() throws IOException {
        Fleet fleet = new Fleet(Files.createTempDirectory("fleet"));
        fleet.install("app-01", "1.0.0", "environment: dev\nlandingZone: lz-a\nlabels: {tier: web}\n");
        fleet.install("app-02", "1.0.0", "environment: dev\nlandingZone: lz-b\n");
        fleet.install("app-03", "1.0.2", "environment: dev\nlandingZone: lz-a\n");
        fleet.install("app-04", "1.0.0", "environment: prod\nlandingZone: lz-a\n");
        PatchRequested request = request().runId("component-1")
                .targets(new dev.patchflow.schemas.events.TargetSelector("directory", fleet.root().toString(), "dev",
                        List.of("lz-a"), null))
                .build();

        assertThat(send(Records.consumed(request))).succeedsWithin(WAIT).isNull();

        List<Emitted> emitted = emitted();
        assertThat(emitted).hasSize(3);
        assertThat(emitted).extracting(Emitted::key).containsExactly("component-1/app-01", "component-1/app-03",
                "component-1");
        assertThat(emitted).allSatisfy(e -> {
            assertThat(e.headers()).containsEntry(CloudEventHeaders.SOURCE, "/patchflow/scanner-svc")
                    .containsEntry(CloudEventHeaders.RUN_ID, "component-1")
                    .containsEntry(CloudEventHeaders.SPEC_VERSION, "1.0")
                    .containsEntry(CloudEventHeaders.CONTENT_TYPE, "application/json");
            assertThat(e.event().type().topic()).isEqualTo(Topics.SCANS);
            assertThat(e.event().id()).isEqualTo(EventIds.of(e.event().type(), "component-1", e.event().data()
                    .targetId(), 0));
        });
        InstanceScanned first = (InstanceScanned) emitted.get(0).event().data();
        assertThat(first.run()).isEqualTo(request.context());
        assertThat(first.target()).extracting(Target::kind, Target::installedVersion, Target::installPath,
                Target::labels).containsExactly("directory", "1.0.0", fleet.root().resolve("app-01").toString(),
                        Map.of("tier", "web"));
        assertThat(emitted.get(1).headers()).containsEntry(CloudEventHeaders.TYPE, EventType.INSTANCE_SCANNED.ceType())
                .containsEntry(CloudEventHeaders.SUBJECT, "app-03");
        assertThat(emitted.get(2).event().data()).isEqualTo(new ScanCompleted(request.context(), 2));
        assertThat(mongo.getDatabase("scanner").getCollection("scan_targets")
                .countDocuments(new Document("runId", "component-1"))).isEqualTo(2);
    }

    @Test
    void rejectsARunWhoseInventoryFileIsMissing() {
        PatchRequested request = request().runId("component-2").targets("static", "/no/such/inventory.yaml").checks()
                .build();

        assertThat(send(Records.consumed(request))).succeedsWithin(WAIT).isNull();

        assertThat(emitted()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("component-2");
            assertThat(e.headers()).containsEntry(CloudEventHeaders.TYPE, EventType.RUN_REJECTED.ceType());
            assertThat(e.event().data()).isEqualTo(new RunRejected(request.context(),
                    "inventory file /no/such/inventory.yaml does not exist"));
        });
    }

    @Test
    void acknowledgesOtherEventTypesWithoutEmitting() throws IOException {
        Target target = new Target("t1", null, "static", null, null, null, null, null, null, null, null, null, null,
                null);
        InstanceScanned notForUs = new InstanceScanned(request().runId("component-3").build().context(), target);

        assertThat(send(Records.consumed(notForUs))).succeedsWithin(WAIT).isNull();

        assertThat(scans.received()).isEmpty();
    }

    @Test
    void refusesAnUndecodableRecordWithTheReason() {
        PatchRequested request = request().runId("component-4").build();
        Map<String, String> headers = Records.headersOf(Records.produced(request));

        InMemorySink<byte[]> deadLetters = connector.sink(DeadLetters.CHANNEL);
        deadLetters.clear();

        CompletableFuture<Throwable> settled = send(Records.consumed(Topics.REQUESTS, "component-4",
                "not json".getBytes(StandardCharsets.UTF_8), headers));

        // Acknowledged: the record is in patchflow.requests.dlq with the reason, and the consumer goes on.
        assertThat(settled).succeedsWithin(WAIT).isNull();
        assertThat(deadLetters.received()).singleElement().satisfies(message -> {
            OutgoingKafkaRecordMetadata<?> kafka = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
            Map<String, String> dead = EventCodec.headerMap(kafka.getHeaders());
            assertThat(kafka.getTopic()).isEqualTo(Topics.deadLetter(Topics.REQUESTS));
            assertThat(dead.get(CloudEventHeaders.DEAD_LETTER_REASON)).startsWith("PatchRequested: body is not JSON");
            assertThat(dead).containsEntry(CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP, "scanner-svc");
            assertThat(message.getPayload()).isEqualTo("not json".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(scans.received()).isEmpty();
    }

    @Test
    void exposesHealthAndScanMetrics() {
        PatchRequested request = request().runId("component-5").targets("ec2", "x").build();
        assertThat(send(Records.consumed(request))).succeedsWithin(WAIT).isNull();

        given().get("/q/health/ready").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("patchflow_scanner_requests_total{outcome=\"rejected\"}")));
    }
}
