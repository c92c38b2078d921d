package dev.patchflow.report.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

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
import dev.patchflow.report.support.AsViewer;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunHalted;

/**
 * A run halted by its error budget, as the API, the four report formats and the dashboard show it; then resumed,
 * halted again and cancelled. Fed through the in-memory channels with the runner's events (event ids as the runner
 * derives them: from the halt's and the action's sequence numbers).
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
@ExtendWith(AsViewer.class)
class HaltedRunTest {

    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Instant AT = Instant.parse("2026-11-20T09:10:00Z");
    static final String BUDGET = "4 failures exceed the error budget of 3";

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    void send(PatchflowEvent data) {
        int attempt = data instanceof RunHalted h ? h.sequence() : data instanceof RunControlled c ? c.sequence() : 1;
        CloudEvent<?> event = CloudEvent.of(Fixtures.SOURCE, data, attempt);
        RecordHeaders headers = new RecordHeaders();
        CODEC.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var record = new ConsumerRecord<>(event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                event.key(), CODEC.body(data), headers, Optional.empty());
        connector.source(event.type().topic()).send(Message.of(Batches.of(record)));
    }

    /** Six targets, concurrency 1, budget 3: four patches failed, two never started. */
    void sixTargetsFourFailed(String runId) {
        send(Fixtures.requested(runId));
        for (String id : List.of("a", "b", "c", "d", "e", "f")) {
            send(Fixtures.scanned(runId, id));
            send(Fixtures.backedUp(runId, id));
        }
        send(Fixtures.scanCompleted(runId, 6));
        for (String id : List.of("a", "b", "c", "d")) {
            send(Fixtures.patchFailed(runId, id, "exit code 3: disk full"));
        }
    }

    @Test
    void haltedRunIsHaltedWithItsCauseInTheApiEveryFormatAndTheDashboardUntilResumed() throws Exception {
        String runId = "halt-1";
        sixTargetsFourFailed(runId);
        send(new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, BUDGET, 4, AT, 1));

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("HALTED")).body("haltCause", equalTo("BUDGET_EXCEEDED"))
                .body("reason", equalTo(BUDGET)).body("outcome", nullValue()).body("counts.failed", equalTo(4))
                .body("targets.find { it.targetId == 'e' }.status", equalTo("PENDING"))
                .body("targets.find { it.targetId == 'e' }.reason", equalTo("run halted: " + BUDGET))
                .body("targets.find { it.targetId == 'a' }.reason", equalTo("exit code 3: disk full")));
        given().get("/api/runs").then().statusCode(200)
                .body("find { it.runId == '" + runId + "' }.state", equalTo("HALTED"))
                .body("find { it.runId == '" + runId + "' }.haltCause", equalTo("BUDGET_EXCEEDED"));
        // A page of targets says the same as the streamed view.
        given().get("/api/runs/" + runId + "?status=PENDING&limit=10").then().statusCode(200)
                .body("targets.reason", equalTo(List.of("run halted: " + BUDGET, "run halted: " + BUDGET)));

        String csv = given().get("/api/runs/" + runId + "/report.csv").then().statusCode(200).extract().asString();
        assertThat(csv.lines().filter(l -> l.startsWith("e,") || l.startsWith("f,")))
                .hasSize(2).allSatisfy(l -> assertThat(l).contains("PENDING").contains("run halted: " + BUDGET));
        given().get("/api/runs/" + runId + "/report.json").then().statusCode(200).body("state", equalTo("HALTED"))
                .body("haltCause", equalTo("BUDGET_EXCEEDED")).body("reason", equalTo(BUDGET))
                .body("targets.find { it.targetId == 'f' }.reason", equalTo("run halted: " + BUDGET));
        byte[] xml = given().get("/api/runs/" + runId + "/report.xml").then().statusCode(200).extract().asByteArray();
        assertThat(new String(xml, StandardCharsets.UTF_8)).contains("state=\"HALTED\"")
                .contains("haltCause=\"BUDGET_EXCEEDED\"").contains("<reason>" + BUDGET + "</reason>")
                .contains("<reason>run halted: " + BUDGET + "</reason>");
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getClassLoader().getResource("schemas/xsd/run-report.xsd"));
        assertThatCode(() -> schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
        given().get("/api/runs/" + runId + "/report.html").then().statusCode(200)
                .body(containsString("badge HALTED\">HALTED")).body(containsString("BUDGET_EXCEEDED"))
                .body(containsString("run halted: " + BUDGET));
        given().get("/").then().statusCode(200).body(containsString("badge HALTED\">HALTED"))
                .body(containsString(BUDGET));
        given().get("/runs/" + runId).then().statusCode(200).body(containsString("badge HALTED\">HALTED"))
                .body(containsString("patchctl runs resume " + runId))
                .body(containsString("patchctl runs cancel " + runId));

        send(new RunControlled(runId, RunControlled.RunControlAction.RESUME, "olga", "disk cleaned", AT, 1));

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("RUNNING")).body("haltCause", nullValue()).body("reason", nullValue())
                .body("targets.find { it.targetId == 'e' }.status", equalTo("PENDING"))
                .body("targets.find { it.targetId == 'e' }.reason", nullValue()));
        // A redelivered RunHalted (same event id) does not halt the resumed run again.
        send(new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, BUDGET, 4, AT, 1));
        send(Fixtures.applied(runId, "e", dev.patchflow.schemas.events.PatchStatus.APPLIED));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("targets.find { it.targetId == 'e' }.phase", equalTo("PATCHED")));
        given().get("/api/runs/" + runId).then().body("state", equalTo("RUNNING"));
    }

    @Test
    void cancelledHaltedRunCompletesWithItsWaitingTargetsNotStarted() {
        String runId = "halt-2";
        sixTargetsFourFailed(runId);
        send(new RunControlled(runId, RunControlled.RunControlAction.HALT, "olga", "looks wrong", AT, 1));
        send(new RunHalted(runId, RunHalted.HaltCause.OPERATOR, "halted by olga: looks wrong", 4, AT, 1));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("HALTED")).body("haltCause", equalTo("OPERATOR")));

        send(new RunControlled(runId, RunControlled.RunControlAction.CANCEL, "olga", "giving up", AT, 2));
        String why = "not started: the run was halted (halted by olga: looks wrong) and then cancelled "
                + "(cancelled by olga: giving up)";
        for (String id : List.of("e", "f")) {
            send(new PatchNotStarted(Fixtures.context(runId), Fixtures.target(id),
                    PatchNotStarted.NotStartedStatus.HALTED, why));
        }

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("COMPLETED")).body("outcome", equalTo("FAILED"))
                .body("haltCause", nullValue())
                .body("targets.find { it.targetId == 'e' }.status", equalTo("NOT_STARTED"))
                .body("targets.find { it.targetId == 'f' }.reason", equalTo(why)));
        given().get("/api/runs/" + runId + "/report.csv").then().statusCode(200)
                .body(containsString("f,f,directory,dev,lz-dev-a,1.0.0,NOT_STARTED"));
    }

    @Test
    void runHaltedThatArrivesBeforeTheRunsFirstEventIsKept() {
        String runId = "halt-3";
        send(new RunHalted(runId, RunHalted.HaltCause.CANARY_FAILED, "canary failed: a", 1, AT, 1));
        // The run exists from the halt alone: nothing was dropped for arriving early.
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("HALTED")).body("haltCause", equalTo("CANARY_FAILED"))
                .body("patch", nullValue()));

        sixTargetsFourFailed(runId);

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId).then().statusCode(200)
                .body("state", equalTo("HALTED")).body("reason", equalTo("canary failed: a"))
                .body("patch.id", equalTo("demo-app")).body("requestedBy", equalTo("alice"))
                .body("expectedTargets", equalTo(6)).body("counts.failed", equalTo(4))
                .body("targets.find { it.targetId == 'f' }.reason", equalTo("run halted: canary failed: a")));
    }
}
