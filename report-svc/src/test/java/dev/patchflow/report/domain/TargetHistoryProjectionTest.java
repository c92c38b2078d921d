package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunControlled;

/** Target stories in a real MongoDB-wire server: stored once per CloudEvent id, ordered by event time. */
class TargetHistoryProjectionTest {

    static final Instant T0 = Instant.parse("2026-11-20T09:00:00Z");

    EmbeddedMongo mongo;
    ViewProjector projector;
    RunQueries queries;

    @BeforeEach
    void setUp() {
        mongo = new EmbeddedMongo();
        TestConfig config = new TestConfig();
        MongoViewStore store = new MongoViewStore(mongo.client(), config);
        MutableClock clock = new MutableClock();
        projector = new ViewProjector(store,
                new RunFinisher(store, TestRenderer.create(), new RecordingArchive(), new RecordingPublisher(), clock),
                clock);
        queries = new RunQueries(store, config);
    }

    @AfterEach
    void tearDown() {
        mongo.close();
    }

    static CloudEvent<?> at(int seconds, PatchflowEvent data) {
        CloudEvent<?> e = CloudEvent.of(Fixtures.SOURCE, data,
                data instanceof RunControlled c ? c.sequence() : 0);
        return new CloudEvent<>(e.id(), e.source(), e.type(), T0.plusSeconds(seconds), e.subject(), e.runId(),
                e.data());
    }

    @Test
    void redeliveredEventsAddNothingAndSameTimeEventsFollowThePipeline() {
        String runId = "h1";
        List<CloudEvent<?>> events = List.of(at(0, Fixtures.requested(runId)), at(1, Fixtures.scanned(runId, "a")),
                at(1, Fixtures.backedUp(runId, "a")),
                at(2, new RunControlled(runId, RunControlled.RunControlAction.HALT, "olga", null, T0, 1)),
                at(3, new PatchApplied(Fixtures.context(runId), Fixtures.target("a"), PatchStatus.APPLIED, 0, null,
                        null, 10L, Map.of("executor", "ssm", "commandId", "c-1", "sessionToken", "abc"))),
                at(4, Fixtures.scanned(runId, "b")));
        List<CloudEvent<?>> reversed = new ArrayList<>(events);
        java.util.Collections.reverse(reversed);

        projector.applyAll(reversed);
        List<HistoryEntry> first = queries.history(runId, "a").orElseThrow();
        // The same events again: one by one, then twice within one batch.
        events.forEach(projector::apply);
        List<CloudEvent<?>> twice = new ArrayList<>(events);
        twice.addAll(events);
        projector.applyAll(twice);

        List<HistoryEntry> story = queries.history(runId, "a").orElseThrow();
        assertThat(story).isEqualTo(first);
        assertThat(story).extracting(HistoryEntry::type).containsExactly("PatchRequested", "InstanceScanned",
                "BackupCompleted", "RunControlled", "PatchApplied");
        assertThat(story).extracting(HistoryEntry::eventId).doesNotHaveDuplicates();
        assertThat(story.get(4).facts()).containsEntry("details.commandId", "c-1")
                .doesNotContainKey("details.sessionToken");
        assertThat(story.get(4).summary()).isEqualTo("patch applied (ssm)");
        assertThat(queries.history(runId, "b").orElseThrow()).extracting(HistoryEntry::type)
                .containsExactly("PatchRequested", "RunControlled", "InstanceScanned");
        assertThat(queries.history(runId, "zz")).isEmpty();
        assertThat(queries.history("nope", "a")).isEmpty();
    }
}
