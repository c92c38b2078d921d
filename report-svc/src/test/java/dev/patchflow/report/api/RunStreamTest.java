package dev.patchflow.report.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.report.domain.ViewProjector;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.report.support.SseClient;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunHalted;

/**
 * {@code GET /api/runs/{id}/stream}: the run's summary as server-sent events while events are fed through the
 * in-memory channels, in order, until the run completes or halts; a heartbeat when idle; refused without a token;
 * 404 for an unknown run; the stream's resources released when the client goes away.
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
class RunStreamTest {

    static final EventCodec CODEC = new EventCodec();
    static final ObjectMapper JSON = new ObjectMapper();
    static final long WAIT = 60;

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    RunStreams streams;

    @Inject
    ViewProjector projector;

    @TestHTTPResource("/")
    URL base;

    void send(PatchflowEvent data) {
        int attempt = data instanceof RunHalted h ? h.sequence() : 1;
        CloudEvent<?> event = CloudEvent.of(Fixtures.SOURCE, data, attempt);
        RecordHeaders headers = new RecordHeaders();
        CODEC.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var record = new ConsumerRecord<>(event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                event.key(), CODEC.body(data), headers, Optional.empty());
        connector.source(event.type().topic()).send(Message.of(Batches.of(record)));
    }

    SseClient open(String runId, String token) throws Exception {
        return SseClient.open(URI.create(base.toString()).resolve("/api/runs/" + runId + "/stream"), token);
    }

    static String viewer() {
        return LocalAuthTestResource.token("viewer");
    }

    /** The next {@code run} event's summary, skipping heartbeats. */
    static JsonNode nextRun(SseClient stream) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(WAIT).toNanos();
        while (System.nanoTime() < until) {
            SseClient.Event e = stream.next(WAIT);
            if (e != null && "run".equals(e.name())) {
                return JSON.readTree(e.data());
            }
        }
        throw new AssertionError("no run event within " + WAIT + " s");
    }

    /** Summaries until one satisfies {@code done} (which is included). */
    static List<JsonNode> runsUntil(SseClient stream, Predicate<JsonNode> done) throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        JsonNode run;
        do {
            run = nextRun(stream);
            seen.add(run);
        } while (!done.test(run));
        return seen;
    }

    @Test
    void pushesTheSummaryEachTimeItChangesInOrderAndEndsAfterTheCompletedRun() throws Exception {
        String runId = "live-1";
        send(Fixtures.requested(runId));
        for (String id : List.of("a", "b", "c")) {
            send(Fixtures.scanned(runId, id));
        }
        send(Fixtures.scanCompleted(runId, 3));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected(runId) == 3);

        try (SseClient stream = open(runId, viewer())) {
            assertThat(stream.contentType()).startsWith("text/event-stream");
            JsonNode first = nextRun(stream);
            assertThat(first.get("runId").asText()).isEqualTo(runId);
            assertThat(first.get("state").asText()).isEqualTo("RUNNING");
            assertThat(first.get("expectedTargets").asInt()).isEqualTo(3);
            assertThat(first.get("counts").get("scanned").asInt()).isEqualTo(3);
            assertThat(first.has("targets")).as("a summary, not the targets").isFalse();

            send(Fixtures.backedUp(runId, "a"));
            send(Fixtures.applied(runId, "a", PatchStatus.APPLIED));
            send(Fixtures.validated(runId, "a"));
            List<JsonNode> seen = new ArrayList<>(List.of(first));
            seen.addAll(runsUntil(stream, r -> r.get("counts").get("terminal").asInt() == 1));

            for (String id : List.of("b", "c")) {
                send(Fixtures.backedUp(runId, id));
                send(Fixtures.applied(runId, id, PatchStatus.APPLIED));
                send(Fixtures.validated(runId, id));
            }
            seen.addAll(runsUntil(stream, r -> r.get("state").asText().equals("COMPLETED")));

            JsonNode last = seen.get(seen.size() - 1);
            assertThat(last.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(last.get("counts").get("succeeded").asInt()).isEqualTo(3);
            // In order: no count ever goes back, and no summary is pushed twice in a row.
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).get("counts").get("terminal").asInt())
                        .isGreaterThanOrEqualTo(seen.get(i - 1).get("counts").get("terminal").asInt());
                assertThat(seen.get(i)).isNotEqualTo(seen.get(i - 1));
            }
            assertThat(stream.endsWithin(WAIT)).as("the stream ends after the completed run").isTrue();
        }

        // A stream opened on a completed run says so once and ends.
        try (SseClient again = open(runId, viewer())) {
            assertThat(nextRun(again).get("state").asText()).isEqualTo("COMPLETED");
            assertThat(again.endsWithin(WAIT)).isTrue();
        }
    }

    @Test
    void pushesChangesThatAnotherReplicaWroteToTheViewStore() throws Exception {
        String runId = "live-6";
        send(Fixtures.requested(runId));
        send(Fixtures.scanned(runId, "a"));
        send(Fixtures.scanCompleted(runId, 1));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected(runId) == 1);

        try (SseClient stream = open(runId, viewer())) {
            assertThat(nextRun(stream).get("counts").get("terminal").asInt()).isZero();
            // Applied straight to the store, as another replica consuming this run's partition would: this replica's
            // consumer never sees these events, so only the stream's own polling of the store can show them.
            projector.applyAll(List.of(Fixtures.event(Fixtures.applied(runId, "a", PatchStatus.APPLIED)),
                    Fixtures.event(Fixtures.validated(runId, "a"))));
            List<JsonNode> seen = runsUntil(stream, r -> r.get("state").asText().equals("COMPLETED"));
            assertThat(seen.get(seen.size() - 1).get("counts").get("succeeded").asInt()).isEqualTo(1);
            assertThat(stream.endsWithin(WAIT)).isTrue();
        }
    }

    @Test
    void endsAfterTheHaltedRunWithItsCause() throws Exception {
        String runId = "live-2";
        send(Fixtures.requested(runId));
        for (String id : List.of("a", "b")) {
            send(Fixtures.scanned(runId, id));
        }
        send(Fixtures.scanCompleted(runId, 2));
        send(Fixtures.patchFailed(runId, "a", "exit code 3: disk full"));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected(runId) == 2);

        try (SseClient stream = open(runId, viewer())) {
            assertThat(nextRun(stream).get("state").asText()).isEqualTo("RUNNING");
            send(new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, "1 failure exceeds the error budget of 0",
                    1, Instant.parse("2026-11-20T09:10:00Z"), 1));
            List<JsonNode> seen = runsUntil(stream, r -> !r.get("state").asText().equals("RUNNING"));
            JsonNode halted = seen.get(seen.size() - 1);
            assertThat(halted.get("state").asText()).isEqualTo("HALTED");
            assertThat(halted.get("haltCause").asText()).isEqualTo("BUDGET_EXCEEDED");
            assertThat(halted.get("reason").asText()).isEqualTo("1 failure exceeds the error budget of 0");
            assertThat(stream.endsWithin(WAIT)).as("the stream ends after the halted run").isTrue();
        }
    }

    @Test
    void sendsAHeartbeatWhileNothingChangesAndStopsWhenTheClientGoesAway() throws Exception {
        String runId = "live-3";
        send(Fixtures.requested(runId));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected(runId) != -2);
        long before = streams.open();
        SseClient stream = open(runId, viewer());
        assertThat(nextRun(stream).get("state").asText()).isEqualTo("RUNNING");
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> streams.open() == before + 1);
        SseClient.Event heartbeat = stream.next(WAIT);
        assertThat(heartbeat).isNotNull();
        assertThat(heartbeat.comment()).isEqualTo("heartbeat");

        stream.close();
        // The next write finds the connection gone: the stream's timer and listener are released.
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> streams.open() == before);
    }

    @Test
    void isRefusedWithoutATokenAndIs404ForAnUnknownRun() throws Exception {
        send(Fixtures.requested("live-4"));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected("live-4") != -2);
        try (SseClient anonymous = open("live-4", null)) {
            assertThat(anonymous.status()).isEqualTo(401);
        }
        try (SseClient unknown = open("no-such-run", viewer())) {
            assertThat(unknown.status()).isEqualTo(404);
        }
    }

    @Test
    void theRunPageOpensTheStreamInsteadOfRefreshingAndShowsVersionBeforeAndAfter() throws Exception {
        String runId = "live-5";
        send(Fixtures.requested(runId));
        for (String id : List.of("a", "b")) {
            send(Fixtures.scanned(runId, id));
        }
        send(Fixtures.scanCompleted(runId, 3));
        send(Fixtures.applied(runId, "a", PatchStatus.APPLIED));
        send(Fixtures.patchFailed(runId, "b", "exit code 3: disk full"));
        await().atMost(Duration.ofSeconds(WAIT)).until(() -> expected(runId) == 3);
        await().atMost(Duration.ofSeconds(WAIT)).untilAsserted(() -> {
            String page = page("/runs/" + runId);
            // Live: no refresh unless scripts are off; the page's script opens the run's stream.
            assertThat(page.replaceAll("(?s)<noscript>.*?</noscript>", "")).doesNotContain("http-equiv=\"refresh\"");
            assertThat(page).contains("<noscript><meta http-equiv=\"refresh\"").contains("new EventSource(")
                    .contains("/stream").contains("data-live=\"counts\"").contains("data-live=\"targets\"");
            assertThat(page).contains("Version before → after");
            // a: 1.0.0 scanned, APPLIED to the run's patch version; b: failed, unchanged.
            assertThat(page)
                    .containsPattern("(?s)<b>a</b>.*?1\\.0\\.0 <span class=\"version-after\">→ 1\\.1\\.0</span>");
            assertThat(page)
                    .containsPattern("(?s)<b>b</b>.*?1\\.0\\.0 <span class=\"version-after\">→ unchanged</span>");
        });
        // The status filter still selects the table's rows (the live refresh fetches the page with its filter).
        String failed = page("/runs/" + runId + "?status=FAILED");
        assertThat(failed).contains("<b>b</b>").doesNotContain("<b>a</b>");
        // The report's HTML keeps its plain Version column.
        assertThat(page("/api/runs/" + runId + "/report.html")).doesNotContain("version-after")
                .doesNotContain("EventSource");
    }

    String page(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base.toString()).resolve(path))
                .header("Authorization", "Bearer " + viewer()).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The run's expectedTargets from the API (-1 while null), -2 while the run is unknown. */
    int expected(String runId) throws Exception {
        var response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base.toString()).resolve("/api/runs/" + runId + "?limit=0"))
                        .header("Authorization", "Bearer " + viewer()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return -2;
        }
        JsonNode run = JSON.readTree(response.body());
        return run.get("expectedTargets").isNull() ? -1 : run.get("expectedTargets").asInt();
    }
}
