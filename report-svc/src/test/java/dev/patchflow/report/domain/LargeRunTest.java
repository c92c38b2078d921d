package dev.patchflow.report.domain;

import static dev.patchflow.report.support.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunCounts;

/**
 * A run the size of a real fleet: the per-event cost must not grow with the number of targets (no
 * recount per event), so a large run completes in one pass and the reports hold every target. The events are
 * handed over in batches of {@value #POLL} (the consumer's {@code max.poll.records}), as the service does; one
 * event at a time, 40,001 events took two minutes of the suite for nothing more.
 * <p>
 * 5,000 targets (20,001 events) in {@code mvn verify}, as launcher's {@code ReportsAtScaleIT}: at 10,000 this test
 * alone took 52-104 s of a suite that must stay under 30 minutes, for the same assertions.
 * {@code -Dreport.large-run.targets=100000} runs it at the benchmark's size.
 */
class LargeRunTest {

    static final Logger LOG = Logger.getLogger(LargeRunTest.class);
    static final int TARGETS = Integer.getInteger("report.large-run.targets", 5_000);
    static final int POLL = 500;

    EmbeddedMongo mongo;
    RecordingArchive archive = new RecordingArchive();
    RecordingPublisher publisher = new RecordingPublisher();
    ViewProjector projector;

    @BeforeEach
    void setUp() {
        mongo = new EmbeddedMongo();
        MutableClock clock = new MutableClock();
        MongoViewStore store = new MongoViewStore(mongo.client(), new TestConfig());
        projector = new ViewProjector(store, new RunFinisher(store, TestRenderer.create(), archive, publisher, clock),
                clock);
    }

    @AfterEach
    void tearDown() {
        mongo.close();
    }

    @Test
    void aLargeRunCompletesOnceWithEveryTargetInTheReports() {
        String runId = "big";
        List<PatchflowEvent> events = new ArrayList<>();
        for (int i = 0; i < TARGETS; i++) {
            String id = String.format("t-%05d", i);
            events.add(scanned(runId, id));
            events.add(backedUp(runId, id));
            events.add(applied(runId, id, PatchStatus.APPLIED));
            events.add(validated(runId, id));
        }
        Collections.shuffle(events, new Random(1));
        events.add(scanCompleted(runId, TARGETS));

        long start = System.nanoTime();
        for (int from = 0; from < events.size(); from += POLL) {
            projector.applyAll(events.subList(from, Math.min(events.size(), from + POLL)).stream()
                    .<CloudEvent<?>>map(e -> event(e)).toList());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.infof("%d events of a %d-target run applied in %d ms (%.0f events/s)", events.size(), TARGETS, millis,
                events.size() * 1000.0 / Math.max(1, millis));

        assertThat(publisher.sent).singleElement().satisfies(e -> assertThat(e.data().counts())
                .isEqualTo(new RunCounts(TARGETS, TARGETS, 0, 0, 0, 0)));
        assertThat(new String(archive.objects.get("reports/big/report.csv").content()).lines())
                .hasSize(TARGETS + 1);
    }
}
