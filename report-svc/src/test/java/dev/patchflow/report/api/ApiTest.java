package dev.patchflow.report.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.report.messaging.EventPublisher;
import dev.patchflow.report.support.AsViewer;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryArchive;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchflowEvent;

/** The HTTP side of the service, fed through in-memory channels (the real-broker flow is ReportFlowIT). */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
@ExtendWith(AsViewer.class)
class ApiTest {

    static final EventCodec CODEC = new EventCodec();

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    InMemoryArchive archive;

    void send(PatchflowEvent data) {
        CloudEvent<?> event = Fixtures.event(data);
        RecordHeaders headers = new RecordHeaders();
        CODEC.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var record = new ConsumerRecord<>(event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                event.key(), CODEC.body(data), headers, Optional.empty());
        connector.source(event.type().topic()).send(Message.of(Batches.of(record)));
    }

    @Test
    void runningRunShowsPendingTargetsAndNullOutcome() {
        send(Fixtures.requested("api-1"));
        send(Fixtures.scanned("api-1", "a"));
        send(Fixtures.backedUp("api-1", "a"));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/runs/api-1").then()
                .statusCode(200).body("state", equalTo("RUNNING")).body("outcome", nullValue())
                .body("expectedTargets", nullValue()).body("patch.id", equalTo("demo-app"))
                .body("requestedBy", equalTo("alice")).body("requestedAt", equalTo("2026-11-20T09:00:00Z"))
                .body("targets[0].status", equalTo("PENDING")).body("targets[0].phase", equalTo("BACKED_UP"))
                .body("targets[0].backup.sha256", equalTo("a".repeat(64))));
        given().get("/").then().statusCode(200).body(containsString("api-1"))
                .body(containsString("http-equiv=\"refresh\""));
    }

    @Test
    void completedRunIsServedAsJsonAndInFourFormatsWithDownloadNames() {
        List<PatchflowEvent> events = Fixtures.run("api-2", 2);
        events.forEach(this::send);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/api/runs/api-2").then()
                .statusCode(200).body("state", equalTo("COMPLETED")).body("outcome", equalTo("FAILED"))
                .body("counts.succeeded", equalTo(2)).body("counts.failed", equalTo(2))
                .body("reportLocation", equalTo("s3://patchflow/reports/api-2/")));
        assertThat(connector.sink(EventPublisher.CHANNEL).received()).filteredOn(m -> new String(
                (byte[]) m.getPayload(), StandardCharsets.UTF_8).contains("\"api-2\"")).hasSize(1);
        assertThat(archive.stored()).containsKeys("reports/api-2/report.csv", "reports/api-2/report.xml");

        given().get("/api/runs/api-2/report.csv").then().statusCode(200).contentType(containsString("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"api-2-report.csv\""))
                .body(containsString("app-04"));
        given().get("/api/runs/api-2/report.json").then().statusCode(200)
                .contentType(containsString("application/json")).body("targets.size()", equalTo(4));
        given().get("/api/runs/api-2/report.xml").then().statusCode(200)
                .contentType(containsString("application/xml")).body(containsString("<run runId=\"api-2\""));
        given().get("/api/runs/api-2/report.html").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Disposition", containsString("api-2-report.html"));
        given().get("/api/runs").then().statusCode(200).body("find { it.runId == 'api-2' }.outcome",
                equalTo("FAILED")).body("find { it.runId == 'api-2' }.targets", nullValue());
        given().get("/runs/api-2").then().statusCode(200).body(containsString("exit code 3: disk full"))
                .body(not(containsString("http-equiv=\"refresh\"")));
    }

    @Test
    void reasonWithMarkupIsEscapedOnTheDashboard() {
        send(Fixtures.requested("api-3"));
        send(Fixtures.patchFailed("api-3", "x", "<script>alert(1)</script>"));
        send(Fixtures.scanCompleted("api-3", 1));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(
                () -> given().get("/api/runs/api-3").then().statusCode(200).body("state", equalTo("COMPLETED")));
        given().get("/runs/api-3").then().statusCode(200).body(containsString("&lt;script&gt;alert(1)&lt;/script&gt;"))
                .body(not(containsString("<script>")));
    }

    @Test
    void unknownRunIsA404WithAJsonErrorEverywhere() {
        given().get("/api/runs/nope").then().statusCode(404).contentType(containsString("application/json"))
                .body("error", equalTo("unknown run nope"));
        given().get("/api/runs/nope/report.csv").then().statusCode(404).body("error", equalTo("unknown run nope"));
        given().get("/runs/nope").then().statusCode(404);
    }
}
