package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunHalted;

/**
 * What a live stream pushes, on a real MongoDB-wire server with every call to the view store counted: a summary
 * each time the run changed, in order, none while it did not, the last one COMPLETED or HALTED; a poll reads one
 * document, and the run's targets are counted only when the run view changed (or every few polls).
 */
class RunFeedTest {

    static final int REFRESH = 5;

    EmbeddedMongo mongo;
    ViewProjector projector;
    RunQueries queries;
    MutableClock clock;
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void setUp() {
        mongo = new EmbeddedMongo();
        TestConfig config = new TestConfig();
        MongoViewStore real = new MongoViewStore(mongo.client(), config);
        ViewStore counted = (ViewStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{ViewStore.class}, (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        clock = new MutableClock();
        projector = new ViewProjector(real,
                new RunFinisher(real, TestRenderer.create(), new RecordingArchive(), new RecordingPublisher(), clock),
                clock);
        // Counts are not reused between requests here, so that each poll shows what it reads at most.
        queries = new RunQueries(counted, config, new RunningCounts(0, System::nanoTime, Runnable::run));
    }

    @AfterEach
    void tearDown() {
        mongo.close();
    }

    void apply(PatchflowEvent... events) {
        clock.advance(java.time.Duration.ofSeconds(1)); // each batch is a later change of the run
        List<CloudEvent<?>> batch = new ArrayList<>();
        for (PatchflowEvent e : events) {
            batch.add(Fixtures.event(e));
        }
        projector.applyAll(batch);
    }

    int calls(String method) {
        AtomicInteger n = calls.get(method);
        return n == null ? 0 : n.get();
    }

    int targetReads() {
        return calls("tally") + calls("streamTargets") + calls("targets") + calls("targetPage");
    }

    @Test
    void pushesEachChangedSummaryInOrderAndEndsWithTheCompletedRun() {
        String runId = "feed-1";
        RunFeed feed = new RunFeed(queries, runId, REFRESH);
        assertThat(feed.poll()).as("unknown run: nothing yet").isEmpty();

        apply(Fixtures.requested(runId), Fixtures.scanned(runId, "a"), Fixtures.scanned(runId, "b"));
        List<RunReport> pushed = new ArrayList<>();
        drain(feed, pushed);
        apply(Fixtures.scanCompleted(runId, 2), Fixtures.backedUp(runId, "a"), Fixtures.backedUp(runId, "b"));
        drain(feed, pushed);
        apply(Fixtures.applied(runId, "a", PatchStatus.APPLIED), Fixtures.validated(runId, "a"));
        drain(feed, pushed);
        assertThat(feed.ended()).isFalse();
        apply(Fixtures.applied(runId, "b", PatchStatus.APPLIED), Fixtures.validated(runId, "b"));
        drain(feed, pushed);

        assertThat(pushed).extracting(r -> r.counts().terminal()).containsExactly(0, 0, 1, 2);
        assertThat(pushed).extracting(r -> r.counts().backedUp()).containsExactly(0, 2, 2, 2);
        assertThat(pushed).extracting(RunReport::expectedTargets).containsExactly(null, 2, 2, 2);
        assertThat(pushed).extracting(RunReport::state).containsExactly(RunState.RUNNING, RunState.RUNNING,
                RunState.RUNNING, RunState.COMPLETED);
        assertThat(pushed).allSatisfy(r -> assertThat(r.targets()).isNull());
        assertThat(feed.ended()).isTrue();
        int reads = calls("runStamp");
        assertThat(feed.poll()).as("nothing after the end").isEmpty();
        assertThat(calls("runStamp")).as("an ended feed reads nothing").isEqualTo(reads);
    }

    @Test
    void endsWithTheHaltedRunAndItsCause() {
        String runId = "feed-2";
        apply(Fixtures.requested(runId), Fixtures.scanned(runId, "a"), Fixtures.scanned(runId, "b"),
                Fixtures.scanCompleted(runId, 2), Fixtures.patchFailed(runId, "a", "exit 3"));
        RunFeed feed = new RunFeed(queries, runId, REFRESH);
        List<RunReport> pushed = new ArrayList<>();
        drain(feed, pushed);
        apply(new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, "1 failure exceeds the error budget of 0", 1,
                java.time.Instant.parse("2026-11-20T09:10:00Z"), 1));
        drain(feed, pushed);

        assertThat(pushed).extracting(RunReport::state).containsExactly(RunState.RUNNING, RunState.HALTED);
        assertThat(pushed.get(1).haltCause()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(pushed.get(1).reason()).isEqualTo("1 failure exceeds the error budget of 0");
        assertThat(feed.ended()).isTrue();
    }

    @Test
    void anUnchangedRunCostsOneDocumentPerPollAndItsTargetsAreCountedOnlyAfterAChangeOrEveryFewPolls() {
        String runId = "feed-3";
        List<PatchflowEvent> events = new ArrayList<>(List.of(Fixtures.requested(runId)));
        for (int i = 0; i < 500; i++) {
            events.add(Fixtures.scanned(runId, String.format("t%04d", i)));
        }
        events.add(Fixtures.scanCompleted(runId, 500));
        apply(events.toArray(PatchflowEvent[]::new));
        RunFeed feed = new RunFeed(queries, runId, REFRESH);
        assertThat(feed.poll()).isPresent();
        calls.clear();

        int polls = 50;
        for (int i = 0; i < polls; i++) {
            assertThat(feed.poll()).as("poll %d of an unchanged run", i).isEmpty();
        }
        assertThat(calls("runStamp")).isEqualTo(polls);
        assertThat(calls("run")).as("one document per poll").isZero();
        // Settling (the poll after a change) and one recount every REFRESH polls: never one per poll.
        assertThat(targetReads()).isLessThanOrEqualTo(1 + polls / REFRESH);

        calls.clear();
        apply(Fixtures.backedUp(runId, "t0001"));
        Optional<RunReport> after = feed.poll();
        assertThat(after).isPresent();
        assertThat(after.get().counts().backedUp()).isEqualTo(1);
        assertThat(calls("runStamp")).isEqualTo(1);
        assertThat(targetReads()).as("one count per push").isLessThanOrEqualTo(1);
    }

    @Test
    void aCompletedRunIsSummedUpFromItsRunViewWithoutReadingItsTargets() {
        String runId = "feed-4";
        apply(Fixtures.run(runId, 50).toArray(PatchflowEvent[]::new));
        calls.clear();
        RunFeed feed = new RunFeed(queries, runId, REFRESH);
        RunReport summary = feed.poll().orElseThrow();
        assertThat(summary.state()).isEqualTo(RunState.COMPLETED);
        assertThat(summary.counts().succeeded()).isEqualTo(50);
        assertThat(calls("runStamp")).isEqualTo(1);
        assertThat(targetReads()).isZero();
    }

    /** Polls until the feed has nothing new (a push is followed by the settling poll). */
    static void drain(RunFeed feed, List<RunReport> pushed) {
        for (int i = 0; i < 3; i++) {
            feed.poll().ifPresent(pushed::add);
        }
    }
}
