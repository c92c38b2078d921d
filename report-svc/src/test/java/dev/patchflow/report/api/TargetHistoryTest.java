package dev.patchflow.report.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.report.support.AsViewer;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunHalted;

/**
 * {@code GET /api/runs/{id}/targets/{targetId}/history} and the dashboard's drill-down, fed through the in-memory
 * channels with events whose times are set, delivered out of order and then all over again.
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
@ExtendWith(AsViewer.class)
class TargetHistoryTest {

    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    /** The event as its emitter would have sent it {@code seconds} after T0. */
    static CloudEvent<?> at(int seconds, PatchflowEvent data, int attempt) {
        CloudEvent<?> e = CloudEvent.of(Fixtures.SOURCE, data, attempt);
        return new CloudEvent<>(e.id(), e.source(), e.type(), T0.plusSeconds(seconds), e.subject(), e.runId(),
                e.data());
    }

    void send(CloudEvent<?> event) {
        RecordHeaders headers = new RecordHeaders();
        CODEC.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var record = new ConsumerRecord<>(event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                event.key(), CODEC.body(event.data()), headers, Optional.empty());
        connector.source(event.type().topic()).send(Message.of(Batches.of(record)));
    }

    /** A run of two targets; target a: scanned, backed up, halted run, resumed, patched, validated. */
    List<CloudEvent<?>> story(String runId) {
        List<CloudEvent<?>> events = new ArrayList<>();
        events.add(at(0, Fixtures.requested(runId), 0));
        events.add(at(1, Fixtures.scanned(runId, "a"), 0));
        events.add(at(1, Fixtures.scanned(runId, "b"), 0));
        events.add(at(2, Fixtures.scanCompleted(runId, 2), 0));
        events.add(at(3, Fixtures.backedUp(runId, "a"), 0));
        events.add(at(4, Fixtures.patchFailed(runId, "b", "exit code 3: disk full"), 0));
        events.add(at(5, new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED,
                "1 failure exceed the error budget of 0", 1, T0.plusSeconds(5), 1), 1));
        events.add(at(6, new RunControlled(runId, RunControlled.RunControlAction.RESUME, "olga", "disk cleaned",
                T0.plusSeconds(6), 1), 1));
        events.add(at(7, new PatchApplied(Fixtures.context(runId), Fixtures.target("a"), PatchStatus.APPLIED, 0,
                "s3://patchflow/logs/" + runId + "/a.log", "patched a", 412L,
                Map.of("executor", "process", "attempt", "2", "lockToken", "17", "adopted", "outcome of attempt 1",
                        "dbPassword", "hunter2")),
                0));
        events.add(at(8, Fixtures.validated(runId, "a"), 0));
        return events;
    }

    @Test
    void targetHistoryTellsItsStoryInEventOrderWithEveryFactAndNoSecretAndARedeliveryAddsNothing() {
        String runId = "story-1";
        List<CloudEvent<?>> events = story(runId);
        // Arrival order is not event order: last first.
        for (int i = events.size() - 1; i >= 0; i--) {
            send(events.get(i));
        }

        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId + "/targets/a/history").then()
                .statusCode(200).body("events.size()", equalTo(7)));
        JsonPath story = given().get("/api/runs/" + runId + "/targets/a/history").then().statusCode(200).extract()
                .jsonPath();
        assertThat(story.getString("runId")).isEqualTo(runId);
        assertThat(story.getString("targetId")).isEqualTo("a");
        assertThat(story.getList("events.type")).containsExactly("PatchRequested", "InstanceScanned",
                "BackupCompleted", "RunHalted", "RunControlled", "PatchApplied", "ValidationPassed");
        assertThat(story.getList("events.at")).containsExactly("2026-11-20T09:00:00Z", "2026-11-20T09:00:01Z",
                "2026-11-20T09:00:03Z", "2026-11-20T09:00:05Z", "2026-11-20T09:00:06Z", "2026-11-20T09:00:07Z",
                "2026-11-20T09:00:08Z");
        Map<String, String> requested = story.getMap("events[0].facts");
        assertThat(requested).containsEntry("requestedBy", "alice").containsEntry("requestedAt", "2026-11-20T09:00:00Z")
                .containsEntry("patch", "demo-app 1.1.0").containsEntry("executor", "process");
        assertThat(story.getMap("events[1].facts")).containsEntry("installedVersion", "1.0.0")
                .containsEntry("landingZone", "lz-dev-a");
        assertThat(story.getMap("events[2].facts")).containsEntry("status", "COMPLETED")
                .containsEntry("location", "s3://patchflow/backups/" + runId + "/a.tar.gz")
                .containsEntry("sha256", "a".repeat(64));
        assertThat(story.getString("events[3].summary"))
                .isEqualTo("run halted: 1 failure exceed the error budget of 0");
        assertThat(story.getString("events[4].summary")).isEqualTo("resume by olga: disk cleaned");
        Map<String, String> patched = story.getMap("events[5].facts");
        assertThat(patched).containsEntry("status", "APPLIED").containsEntry("exitCode", "0")
                .containsEntry("outputLocation", "s3://patchflow/logs/" + runId + "/a.log")
                .containsEntry("outputTail", "patched a").containsEntry("details.executor", "process")
                .containsEntry("details.attempt", "2").containsEntry("details.lockToken", "17")
                .containsEntry("details.adopted", "outcome of attempt 1").doesNotContainKey("details.dbPassword");
        assertThat(story.getMap("events[6].facts")).containsEntry("check.version", "passed [version]: 1.1.0");
        // Another target's events stay in its own story; no secret and no command line anywhere.
        String body = given().get("/api/runs/" + runId + "/targets/a/history").asString();
        assertThat(body).doesNotContain("hunter2").doesNotContain("apply.sh").doesNotContain("disk full");

        // Everything delivered again, in order: the story is the same. (The marker shows that the validation topic's
        // redelivery was handled; TargetHistoryProjectionTest proves once-per-event-id synchronously for every type.)
        events.forEach(this::send);
        send(at(9, Fixtures.validated(runId, "b"), 0));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId + "/targets/b/history").then()
                .statusCode(200).body("events.type", org.hamcrest.Matchers.hasItem("ValidationPassed")));
        assertThat(given().get("/api/runs/" + runId + "/targets/a/history").asString()).isEqualTo(body);
    }

    @Test
    void unknownRunOrTargetIsA404() {
        send(at(0, Fixtures.requested("story-2"), 0));
        send(at(1, Fixtures.scanned("story-2", "a"), 0));
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/story-2/targets/a/history").then()
                .statusCode(200).body("events.size()", equalTo(2)));

        given().get("/api/runs/story-2/targets/nope/history").then().statusCode(404)
                .body("error", equalTo("unknown target nope of run story-2"));
        given().get("/api/runs/nope/targets/a/history").then().statusCode(404);
        given().get("/runs/story-2/targets/nope").then().statusCode(404);
    }

    @Test
    void dashboardTargetRowsLinkToTheTargetsStory() {
        String runId = "story-3";
        story(runId).forEach(this::send);
        await().atMost(WAIT).untilAsserted(() -> given().get("/api/runs/" + runId + "/targets/a/history").then()
                .statusCode(200).body("events.size()", equalTo(7)));

        given().get("/runs/" + runId).then().statusCode(200)
                .body(containsString("href=\"/runs/" + runId + "/targets/a\""));
        given().get("/runs/" + runId + "/targets/a").then().statusCode(200)
                .body(containsString("Target a")).body(containsString("requested by alice"))
                .body(containsString("restore point completed: s3://patchflow/backups/" + runId + "/a.tar.gz"))
                .body(containsString("resume by olga: disk cleaned")).body(containsString("lockToken"))
                .body(containsString("/api/runs/" + runId + "/targets/a/history"))
                .body(org.hamcrest.Matchers.not(containsString("hunter2")));
    }
}
