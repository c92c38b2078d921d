package dev.patchflow.report.domain;

import static dev.patchflow.report.support.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

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
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.RunOutcome;

/**
 * The projector, finisher and reconciler against a real MongoDB-wire server; S3 and Kafka are replaced
 * by recorders at the two ports, which is where the assertions look.
 */
class ViewProjectorTest {

    EmbeddedMongo mongo;
    MongoViewStore store;
    MutableClock clock = new MutableClock();
    RecordingArchive archive = new RecordingArchive();
    RecordingPublisher publisher = new RecordingPublisher();
    ViewProjector projector;
    RunReconciler reconciler;
    RunQueries queries;

    @BeforeEach
    void setUp() {
        mongo = new EmbeddedMongo();
        TestConfig config = new TestConfig();
        store = new MongoViewStore(mongo.client(), config);
        RunFinisher finisher = new RunFinisher(store, TestRenderer.create(), archive, publisher, clock);
        projector = new ViewProjector(store, finisher, clock);
        reconciler = new RunReconciler(store, finisher, config, clock);
        queries = new RunQueries(store, config);
    }

    @AfterEach
    void tearDown() {
        mongo.close();
    }

    void applyAll(List<PatchflowEvent> events) {
        events.forEach(e -> projector.apply(event(e)));
    }

    List<RunCompleted> completions(String runId) {
        return publisher.sent.stream().map(e -> e.data()).filter(d -> d.runId().equals(runId)).toList();
    }

    @Test
    void fullRunEmitsOneRunCompletedWithOutcomeCountsAndReportLocation() {
        applyAll(run("r1", 4));

        assertThat(completions("r1")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.FAILED);
            assertThat(done.counts()).isEqualTo(new RunCounts(6, 4, 2, 0, 0, 0));
            assertThat(done.reportLocation()).isEqualTo("s3://patchflow/reports/r1/");
            assertThat(done.completedAt()).isNotNull();
        });
        assertThat(archive.objects).containsOnlyKeys("reports/r1/report.csv", "reports/r1/report.json",
                "reports/r1/report.html", "reports/r1/report.xml");
        RunReport report = queries.get("r1").orElseThrow();
        assertThat(report.state()).isEqualTo(RunState.COMPLETED);
        assertThat(report.outcome()).isEqualTo(RunOutcome.FAILED);
        assertThat(report.counts().terminal()).isEqualTo(6);
        assertThat(report.counts().patchFailed()).isEqualTo(1);
        assertThat(report.counts().validationFailed()).isEqualTo(1);
        assertThat(report.targets()).extracting(TargetReport::targetId).containsExactly("app-01", "app-02", "app-03",
                "app-04", "app-05", "app-06");
        assertThat(report.targets().get(4).reason()).isEqualTo("exit code 3: disk full");
    }

    @Test
    void shuffledCrossTopicOrderGivesTheSameViewsAndCompletesExactlyOnce() {
        List<PatchflowEvent> events = new ArrayList<>(run("r2", 8));
        Collections.shuffle(events, new Random(42));
        applyAll(events);

        assertThat(completions("r2")).singleElement()
                .satisfies(done -> assertThat(done.counts()).isEqualTo(new RunCounts(10, 8, 2, 0, 0, 0)));
        RunReport report = queries.get("r2").orElseThrow();
        assertThat(report.targets()).hasSize(10);
        assertThat(report.targets()).filteredOn(t -> t.status() == TargetStatus.SUCCEEDED).hasSize(8);
        assertThat(report.targets()).allSatisfy(t -> assertThat(t.backup()).isNotNull());
    }

    @Test
    void redeliveringEveryEventChangesNothingAndEmitsNoSecondCompletion() {
        List<PatchflowEvent> events = run("r3", 3);
        applyAll(events);
        RunReport first = queries.get("r3").orElseThrow();

        applyAll(events);
        List<PatchflowEvent> reversed = new ArrayList<>(events);
        Collections.reverse(reversed);
        applyAll(reversed);

        assertThat(completions("r3")).hasSize(1);
        assertThat(archive.stores).hasValue(1);
        assertThat(queries.get("r3").orElseThrow()).isEqualTo(first);
    }

    @Test
    void targetsEndedByPatchNotStartedAreTerminalWithTheirReasonAndTheRunIsIncomplete() {
        String runId = "r-cancel";
        applyAll(List.of(requested(runId), scanned(runId, "a"), scanned(runId, "b"), scanned(runId, "c"),
                scanCompleted(runId, 3), backedUp(runId, "a"), applied(runId, "a", PatchStatus.APPLIED),
                validated(runId, "a"), backedUp(runId, "b"), backedUp(runId, "c")));
        projector.apply(event(new RunControlled(runId, RunControlled.RunControlAction.CANCEL, "olga", "wrong patch",
                Instant.parse("2026-11-20T09:05:00Z"), 1)));
        projector.apply(event(new PatchNotStarted(context(runId), target("b"),
                PatchNotStarted.NotStartedStatus.CANCELLED, "not started: the run was cancelled (cancelled by olga)")));
        assertThat(completions(runId)).isEmpty();
        projector.apply(event(new PatchNotStarted(context(runId), target("c"), PatchNotStarted.NotStartedStatus.CUTOFF,
                "not started: the maintenance window ended at 2026-11-20T10:00:00Z")));

        assertThat(completions(runId)).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.INCOMPLETE);
            assertThat(done.counts()).isEqualTo(new RunCounts(3, 1, 0, 0, 0, 0));
        });
        RunReport report = queries.get(runId).orElseThrow();
        assertThat(report.targets()).extracting(TargetReport::status).containsExactly(TargetStatus.SUCCEEDED,
                TargetStatus.CANCELLED, TargetStatus.NOT_STARTED);
        assertThat(report.targets().get(2).reason()).isEqualTo(
                "not started: the maintenance window ended at 2026-11-20T10:00:00Z");
        assertThat(report.counts().terminal()).isEqualTo(3);
        assertThat(report.counts().patchFailed()).isZero();
        assertThat(report.rollout().cancelled()).isTrue();
        assertThat(report.rollout().history()).extracting(RolloutView.Entry::what).containsExactly("CANCEL");
        assertThat(new String(archive.objects.get("reports/" + runId + "/report.csv").content()))
                .contains("NOT_STARTED")
                .contains("CANCELLED");
    }

    @Test
    void runEventsOfTheRunnerShowHaltGateAndControlHistoryOnceEach() {
        String runId = "r-control";
        applyAll(List.of(requested(runId), scanned(runId, "a"), scanCompleted(runId, 2)));
        Instant at = Instant.parse("2026-11-20T09:01:00Z");
        List<PatchflowEvent> runEvents = List.of(
                new RunGateChanged(runId, "manual", RunGateChanged.GateState.WAITING, "canary batch of 1 verified",
                        null, at),
                new RunControlled(runId, RunControlled.RunControlAction.APPROVE, "carol", "looks good", at, 1),
                new RunGateChanged(runId, "manual", RunGateChanged.GateState.APPROVED, "approved by carol", null, at),
                new RunHalted(runId, RunHalted.HaltCause.BUDGET_EXCEEDED, "1 failure exceed the error budget of 0", 1,
                        at, 1));
        // As the runner sends them: the event id of a gate change is derived from its state, of an action and
        // a halt from their sequence number.
        for (int round = 0; round < 2; round++) { // the second round is a redelivery: nothing twice
            for (PatchflowEvent e : runEvents) {
                int attempt = e instanceof RunGateChanged g
                        ? g.state().ordinal()
                        : e instanceof RunControlled c ? c.sequence() : ((RunHalted) e).sequence();
                projector.apply(dev.patchflow.schemas.CloudEvent.of(SOURCE, e, attempt));
            }
        }

        RolloutView rollout = queries.get(runId).orElseThrow().rollout();
        assertThat(rollout.halted()).isTrue();
        assertThat(rollout.haltCause()).isEqualTo("BUDGET_EXCEEDED");
        assertThat(rollout.haltReason()).isEqualTo("1 failure exceed the error budget of 0");
        assertThat(rollout.gate()).isEqualTo("manual");
        assertThat(rollout.gateState()).isEqualTo("APPROVED");
        assertThat(rollout.history()).extracting(RolloutView.Entry::type, RolloutView.Entry::what).containsExactly(
                org.assertj.core.groups.Tuple.tuple("RunGateChanged", "WAITING"),
                org.assertj.core.groups.Tuple.tuple("RunControlled", "APPROVE"),
                org.assertj.core.groups.Tuple.tuple("RunGateChanged", "APPROVED"),
                org.assertj.core.groups.Tuple.tuple("RunHalted", "BUDGET_EXCEEDED"));
        assertThat(rollout.history().get(1).actor()).isEqualTo("carol");

        projector.apply(event(new RunControlled(runId, RunControlled.RunControlAction.RESUME, "olga", null, at, 2)));
        assertThat(queries.get(runId).orElseThrow().rollout().halted()).isFalse();
    }

    @Test
    void terminalTargetsBeforeScanCompletedCompleteTheRunOnlyAtScanCompleted() {
        applyAll(List.of(validated("r4", "a"), applied("r4", "a", PatchStatus.ALREADY_APPLIED), scanned("r4", "a")));
        assertThat(completions("r4")).isEmpty();
        assertThat(queries.get("r4").orElseThrow().state()).isEqualTo(RunState.RUNNING);

        projector.apply(event(scanCompleted("r4", 1)));

        assertThat(completions("r4")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(done.counts()).isEqualTo(new RunCounts(1, 1, 0, 1, 0, 0));
        });
        assertThat(queries.get("r4").orElseThrow().targets()).singleElement()
                .satisfies(t -> assertThat(t.status()).isEqualTo(TargetStatus.ALREADY_APPLIED));
    }

    @Test
    void runWithZeroTargetsCompletesAtScanCompleted() {
        applyAll(List.of(requested("r5"), scanCompleted("r5", 0)));

        assertThat(completions("r5")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.SUCCEEDED);
            assertThat(done.counts()).isEqualTo(new RunCounts(0, 0, 0, 0, 0, 0));
        });
        assertThat(archive.objects).containsKey("reports/r5/report.xml");
    }

    @Test
    void rejectedRunCompletesAsRejectedWithItsReasonAndReports() {
        applyAll(List.of(requested("r6"), rejected("r6", "unknown provider 'ec3'")));

        assertThat(completions("r6")).singleElement().satisfies(done -> {
            assertThat(done.outcome()).isEqualTo(RunOutcome.REJECTED);
            assertThat(done.reason()).isEqualTo("unknown provider 'ec3'");
        });
        assertThat(new String(archive.objects.get("reports/r6/report.json").content()))
                .contains("unknown provider 'ec3'").contains("\"REJECTED\"");
        assertThat(queries.get("r6").orElseThrow().reason()).isEqualTo("unknown provider 'ec3'");
    }

    @Test
    void reconcilerCompletesARunWhoseTerminalIncrementWasLostInACrash() {
        applyAll(List.of(requested("r7"), scanned("r7", "a"), scanned("r7", "b"), validated("r7", "a")));
        // Crash between "target b marked terminal" and "run counter incremented":
        store.recordTargets(List.of(new ViewStore.TargetFact("r7", target("b"), ViewStore.Stage.VALIDATION,
                new ValidationView(ValidationView.PASSED, List.of(), List.of()))), clock.instant());
        store.markTerminal("r7", List.of("b"));
        projector.apply(event(scanCompleted("r7", 2)));
        assertThat(completions("r7")).isEmpty();

        // A redelivery of b's validation cannot fix it (the flip already happened) ...
        projector.apply(event(validated("r7", "b")));
        assertThat(completions("r7")).isEmpty();

        // ... the reconciler does, once the run has been idle.
        clock.advance(Duration.ofSeconds(5));
        reconciler.reconcile();
        assertThat(completions("r7")).singleElement()
                .satisfies(done -> assertThat(done.counts().succeeded()).isEqualTo(2));
    }

    @Test
    void completionInterruptedByAnS3FailureIsFinishedByTheReconcilerWithTheSameEventId() {
        archive.failing = true;
        applyAll(run("r8", 1));
        assertThat(completions("r8")).isEmpty();
        assertThat(queries.get("r8").orElseThrow().state()).isEqualTo(RunState.COMPLETING);

        archive.failing = false;
        clock.advance(Duration.ofSeconds(10));
        reconciler.reconcile();
        assertThat(completions("r8")).as("not before the completion timeout").isEmpty();

        clock.advance(Duration.ofSeconds(30));
        reconciler.reconcile();
        reconciler.reconcile();
        assertThat(publisher.sent).singleElement().satisfies(e -> assertThat(e.id())
                .isEqualTo(dev.patchflow.schemas.EventIds.of(dev.patchflow.schemas.EventType.RUN_COMPLETED, "r8", null,
                        0)));
        assertThat(queries.get("r8").orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        assertThat(archive.objects).containsKey("reports/r8/report.csv");
    }

    @Test
    void ownRunCompletedComingBackIsANoOp() {
        applyAll(run("r9", 1));
        RunReport before = queries.get("r9").orElseThrow();

        projector.apply(publisher.sent.get(0));

        assertThat(publisher.sent).hasSize(1);
        assertThat(queries.get("r9").orElseThrow()).isEqualTo(before);
    }
}
