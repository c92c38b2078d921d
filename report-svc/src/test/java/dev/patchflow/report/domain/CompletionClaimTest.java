package dev.patchflow.report.domain;

import static dev.patchflow.report.support.Fixtures.event;
import static dev.patchflow.report.support.Fixtures.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;

/**
 * A large run's reports take a while: the event that completes the run only claims it and hands the finishing to
 * the completion executor, and the completer renews its claim while it works, so the reconciler does not take
 * the run for an interrupted completion and finish it a second time.
 */
class CompletionClaimTest {

    final EmbeddedMongo mongo = new EmbeddedMongo();
    final MutableClock clock = new MutableClock();
    final CountDownLatch archiveEntered = new CountDownLatch(1);
    final CountDownLatch archiveMayFinish = new CountDownLatch(1);

    /** An S3 that takes as long as the test says. */
    final RecordingArchive slowArchive = new RecordingArchive() {

        @Override
        public void store(String runId, List<ReportFile> files) {
            archiveEntered.countDown();
            try {
                archiveMayFinish.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.store(runId, files);
        }
    };

    @AfterEach
    void stop() {
        archiveMayFinish.countDown();
        mongo.close();
    }

    @Test
    void aCompletionThatOutlastsTheTimeoutKeepsItsClaimAndCompletesOnce() throws Exception {
        TestConfig config = new TestConfig();
        MongoViewStore store = new MongoViewStore(mongo.client(), config);
        RecordingPublisher publisher = new RecordingPublisher();
        RunFinisher finisher = new RunFinisher(store, TestRenderer.create(), slowArchive, publisher, clock);
        ViewProjector projector = new ViewProjector(store, finisher, clock);
        RunReconciler reconciler = new RunReconciler(store, finisher, config, clock);

        CompletableFuture<Void> completing = CompletableFuture
                .runAsync(() -> run("slow", 2).forEach(e -> projector.apply(event(e))));
        assertThat(archiveEntered.await(30, TimeUnit.SECONDS)).as("the completer is writing the reports").isTrue();

        clock.advance(config.completionTimeout().plusSeconds(30));
        // the completer renews its claim within RunFinisher.CLAIM_RENEWAL of real time
        await().atMost(Duration.ofSeconds(30)).until(() -> store
                .staleCompletingRuns(clock.instant().minus(config.completionTimeout())).isEmpty());
        assertThat(reconciler.reconcile()).as("nothing to repair").isZero();

        archiveMayFinish.countDown();
        completing.get(60, TimeUnit.SECONDS);
        assertThat(publisher.sent).hasSize(1);
        assertThat(slowArchive.stores).hasValue(1);
        assertThat(store.run("slow").orElseThrow().state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void theEventThatCompletesARunOnlyClaimsItAndTheCompletionExecutorFinishesIt() {
        TestConfig config = new TestConfig();
        MongoViewStore store = new MongoViewStore(mongo.client(), config);
        RecordingPublisher publisher = new RecordingPublisher();
        RecordingArchive archive = new RecordingArchive();
        List<Runnable> queued = new java.util.concurrent.CopyOnWriteArrayList<>();
        RunFinisher finisher = new RunFinisher(store, TestRenderer.create(), archive, publisher, clock, queued::add);
        ViewProjector projector = new ViewProjector(store, finisher, clock);

        run("handed-off", 2).forEach(e -> projector.apply(event(e)));

        assertThat(store.run("handed-off").orElseThrow().state()).isEqualTo(RunState.COMPLETING);
        assertThat(publisher.sent).isEmpty();
        assertThat(queued).hasSize(1);

        queued.get(0).run();
        assertThat(store.run("handed-off").orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        assertThat(publisher.sent).hasSize(1);
        assertThat(archive.objects).containsKey("reports/handed-off/report.html");
    }
}
