package dev.patchflow.runner.domain.rollout;

import static com.mongodb.client.model.Filters.eq;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.runner.adapters.mongo.MongoRolloutStore;
import dev.patchflow.runner.adapters.mongo.MongoRunSizes;
import dev.patchflow.runner.adapters.mongo.MongoRunTargetStore;
import dev.patchflow.runner.adapters.mongo.RunnerDatabase;
import dev.patchflow.runner.domain.BackupIntake;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.OutcomeRecorder;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.Target;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Exactly-once counting of the rollout state against a MongoDB-wire server, without transactions: every fact
 * (arrival, start, completion, end without start, validation) is counted once however often it is delivered or
 * applied, and a fact whose count a crash interrupted between two writes is counted once by the repair or by the
 * redelivery, whichever comes first. The crash points are simulated by running only the steps before them.
 */
class RolloutCountingTest {

    private static final String ME = "runner-a";

    @TempDir
    Path work;

    private MongoServer server;
    private MongoClient client;
    private RunnerDatabase database;
    private MongoRunTargetStore store;
    private MongoRolloutStore rollouts;
    private MongoRunSizes sizes;
    private RolloutScheduler scheduler;
    private OutcomeRecorder recorder;
    private BackupIntake intake;
    private final List<PatchflowEvent> published = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        database = new RunnerDatabase(client, "runner");
        RunnerSettings settings = settings(ME);
        store = new MongoRunTargetStore(database, settings);
        rollouts = new MongoRolloutStore(database);
        sizes = new MongoRunSizes(database);
        recorder = new OutcomeRecorder(store, published::add, clock);
        scheduler = scheduler(settings);
        intake = new BackupIntake(store, recorder, new Dispatcher(store, null, recorder, settings, scheduler, clock),
                scheduler, clock);
    }

    private RunnerSettings settings(String instanceId) {
        return new RunnerSettings(4, 16, Duration.ofMinutes(10), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(10), 20, work, instanceId, "/patchflow/patch-runner-svc");
    }

    private RolloutScheduler scheduler(RunnerSettings settings) {
        return new RolloutScheduler(rollouts, sizes, store, recorder, (event, attempt) -> {
        }, settings, new RolloutSettings(List.of("dev"), null), clock, List.of(), List.of());
    }

    private RolloutScheduler scheduler(RunnerSettings settings, AdmissionGate gate) {
        return new RolloutScheduler(rollouts, sizes, store, recorder, (event, attempt) -> {
        }, settings, new RolloutSettings(List.of("dev"), null), clock, List.of(), List.of(gate));
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void duplicatesInOneBatchAndRedeliveriesCountEveryArrivalOnce() {
        RunContext run = run("run-dup", "5");

        List<BackupIntake.Result> first = intake.acceptAll(List.of(backup(run, "t1"), backup(run, "t2"),
                backup(run, "t1"), backup(run, "t3"), backup(run, "t2")));
        List<BackupIntake.Result> again = intake.acceptAll(List.of(backup(run, "t1"), backup(run, "t3")));
        intake.onBackupFailed(Fixtures.backupFailed(run, Fixtures.staticTarget("t4"), "disk full"));
        intake.onBackupFailed(Fixtures.backupFailed(run, Fixtures.staticTarget("t4"), "disk full"));

        assertThat(first).containsExactly(BackupIntake.Result.QUEUED, BackupIntake.Result.QUEUED,
                BackupIntake.Result.IN_PROGRESS, BackupIntake.Result.QUEUED, BackupIntake.Result.IN_PROGRESS);
        assertThat(again).containsOnly(BackupIntake.Result.IN_PROGRESS);
        RolloutState s = state(run);
        assertThat(s.arrived()).isEqualTo(4);
        assertThat(s.finished()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.budgetFailures()).isEqualTo(1);
        assertThat(s.transit()).isEmpty();
        // The recorded outcome is emitted again on redelivery (same event), never recorded twice.
        assertThat(published).hasSize(2).allMatch(PatchFailed.class::isInstance);
    }

    @Test
    void anArrivalInterruptedAfterItsRecordWasWrittenIsCountedOnceByTheRepair() {
        RunContext run = run("run-arrive", "5");
        crashAfterInsert(run, "t1");
        assertThat(state(run).arrived()).isZero();
        assertThat(state(run).transit()).hasSize(1);

        // The redelivery finds the record; the interrupted attempt's count is the repair's to finish.
        assertThat(intake.onBackupCompleted(backup(run, "t1"))).isEqualTo(BackupIntake.Result.IN_PROGRESS);
        assertThat(scheduler.repair()).isEqualTo(1);
        assertThat(scheduler.repair()).isZero();
        assertThat(state(run).arrived()).isEqualTo(1);

        // The other order: the repair counts it, the redelivery changes nothing.
        crashAfterInsert(run, "t2");
        assertThat(scheduler.repair()).isEqualTo(1);
        intake.onBackupCompleted(backup(run, "t2"));
        assertThat(state(run).arrived()).isEqualTo(2);
        assertThat(state(run).transit()).isEmpty();
    }

    @Test
    void anArrivalInterruptedBeforeItsRecordWasWrittenIsCountedByItsRedelivery() {
        RunContext run = run("run-early", "5");
        RunTarget fresh = RunTarget.ready(run, Fixtures.staticTarget("t1"), clock.instant());
        scheduler.beginArrivals(List.of(fresh)); // and the runner dies before inserting the record

        assertThat(scheduler.repair()).isZero(); // no record: its attempt may still be writing it
        intake.onBackupCompleted(backup(run, "t1"));
        scheduler.repair(); // the first attempt's entry lost to the record of the second

        assertThat(state(run).arrived()).isEqualTo(1);
        assertThat(state(run).transit()).isEmpty();
    }

    @Test
    void aCompletionCountsOnceHoweverOftenItIsApplied() {
        RunContext run = run("run-finish", "5");
        intake.onBackupCompleted(backup(run, "t1"));
        RolloutScheduler.Start start = admitOne(run);
        PatchflowEvent failed = execute(start, false);

        scheduler.afterExecution(start, true, failed);
        scheduler.afterExecution(start, true, failed);
        scheduler.afterExecution(start, false, null);
        scheduler.repair();

        RolloutState s = state(run);
        assertThat(s.started()).isEqualTo(1);
        assertThat(s.finished()).isEqualTo(1);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.budgetFailures()).isEqualTo(1);
        assertThat(s.inFlight()).isEmpty();
    }

    @Test
    void aCompletionACrashLeftUncountedIsCountedByTheRepair() {
        RunContext run = run("run-repair", "5");
        intake.onBackupCompleted(backup(run, "t1"));
        RolloutScheduler.Start start = admitOne(run);
        execute(start, true); // recorded, and the runner dies before counting it
        assertThat(state(run).inFlight()).hasSize(1);

        assertThat(scheduler.repair()).isEqualTo(1);
        scheduler.afterExecution(start, true, null); // the worker's own late attempt

        RolloutState s = state(run);
        assertThat(s.finished()).isEqualTo(1);
        assertThat(s.failed()).isZero();
        assertThat(s.inFlight()).isEmpty();
    }

    @Test
    void aTargetInFlightWhoseRunnerDiedStartsAgainUnderItsAdmissionWithoutTakingASecondSlot() {
        RunContext run = run("run-resume", "1");
        intake.onBackupCompleted(backup(run, "t1"));
        intake.onBackupCompleted(backup(run, "t2"));
        RolloutScheduler.Start first = admitOne(run);

        // The runner that started it died before claiming it: the target is still queued, and in flight.
        RolloutScheduler.Pass again = scheduler.admit(run.runId(), queued(), 5);

        assertThat(again.starts()).extracting(s -> s.target().targetId(), RolloutScheduler.Start::token)
                .containsExactly(tuple(first.target().targetId(), first.token()));
        assertThat(state(run).started()).isEqualTo(1);
        assertThat(state(run).inFlight()).hasSize(1);
    }

    @Test
    void aStaleAdmissionOfAFinishedTargetGivesItsSlotBackAndCountsNothing() {
        RunContext run = run("run-stale", "5");
        intake.onBackupCompleted(backup(run, "t1"));
        RolloutScheduler.Start start = admitOne(run);
        scheduler.afterExecution(start, true, execute(start, true));

        // A copy of the queue entry read before the target finished is admitted again.
        RolloutScheduler.Pass stale = scheduler.admit(run.runId(), List.of(start.target()), 5);
        assertThat(stale.starts()).hasSize(1);
        RolloutScheduler.Start again = stale.starts().get(0);
        RunTargetStore.Claim claim = store.claim(again.target().id(), ME, clock.instant(),
                clock.instant().plusSeconds(60), again.token());
        assertThat(claim).isInstanceOf(RunTargetStore.Settled.class);
        scheduler.afterExecution(again, false, null);

        RolloutState s = state(run);
        assertThat(s.started()).isEqualTo(1);
        assertThat(s.finished()).isEqualTo(1);
        assertThat(s.inFlight()).isEmpty();
    }

    @Test
    void validationResultsCountOnceAcrossRedeliveriesAndInterruptions() {
        RunContext run = run("run-validate", "5");
        for (String t : List.of("t1", "t2", "t3")) {
            intake.onBackupCompleted(backup(run, t));
        }
        for (RolloutScheduler.Start start : scheduler.admit(run.runId(), queued(), 5).starts()) {
            scheduler.afterExecution(start, true, execute(start, true));
        }

        scheduler.validated(run.runId(), "t1", false);
        scheduler.validated(run.runId(), "t1", false);
        scheduler.validated(run.runId(), "t2", true);
        scheduler.validated(run.runId(), "t2", false); // a later, different result: the first one counts
        // Interrupted after the fact went into transit, before it reached the record: the repair records it.
        rollouts.addTransit(run.runId(), List.of(new RolloutState.Transit("t3", "dead-attempt", "dead-attempt",
                RolloutState.TransitKind.VALIDATION, Map.of(RolloutState.VERIFIED, 1), null, null, false, false)));
        assertThat(scheduler.repair()).isEqualTo(1);
        scheduler.validated(run.runId(), "t3", true);
        scheduler.validated(run.runId(), "t3", false);

        RolloutState s = state(run);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.budgetFailures()).isEqualTo(1);
        assertThat(s.verified()).isEqualTo(2);
        assertThat(s.transit()).isEmpty();
    }

    @Test
    void targetsEndedWithoutStartCountOnceAndEmitOnce() {
        RunContext run = run("run-cancel", "1");
        for (String t : List.of("t1", "t2", "t3")) {
            intake.onBackupCompleted(backup(run, t));
        }
        scheduler.control(run.runId(), RunControlled.RunControlAction.CANCEL, "olga", null);

        RolloutScheduler.Pass pass = scheduler.admit(run.runId(), queued(), 5);
        assertThat(pass.starts()).isEmpty();
        assertThat(pass.ends()).hasSize(3);
        for (RolloutScheduler.End end : pass.ends()) {
            scheduler.end(end);
            scheduler.end(end);
        }
        scheduler.repair();

        assertThat(state(run).finished()).isEqualTo(3);
        assertThat(state(run).transit()).isEmpty();
        assertThat(published).hasSize(3).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                PatchNotStarted.class, n -> assertThat(n.status()).isEqualTo(
                        PatchNotStarted.NotStartedStatus.CANCELLED)));
    }

    @Test
    void twoReplicasAdmittingAtOnceNeverExceedTheLimitTogether() throws Exception {
        RunContext run = run("run-replicas", "3");
        for (int i = 0; i < 20; i++) {
            intake.onBackupCompleted(backup(run, String.format("t%02d", i)));
        }
        List<RolloutScheduler> replicas = List.of(scheduler, scheduler(settings("runner-b")));
        Set<String> started = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RolloutScheduler replica = replicas.get(i % 2);
            futures.add(pool.submit(() -> {
                go.await();
                for (int round = 0; round < 10; round++) {
                    for (RolloutScheduler.Start s : replica.admit(run.runId(), queued(), 10).starts()) {
                        started.add(s.target().id());
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (var f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        RolloutState s = state(run);
        assertThat(s.inFlight()).hasSize(3);
        assertThat(s.started()).isEqualTo(3);
        assertThat(started).hasSize(3);
    }

    @Test
    void theRunsStateStaysTheSameSizeAsTheRunGrows() {
        RunContext run = run("run-size", "50");
        intake.acceptAll(IntStream.range(0, 50).mapToObj(i -> backup(run, "a" + i)).toList());
        int small = stored(run).toJson().length();

        for (int batch = 0; batch < 10; batch++) {
            int b = batch;
            intake.acceptAll(IntStream.range(0, 100).mapToObj(i -> backup(run, "b" + b + "-" + i)).toList());
        }

        assertThat(state(run).arrived()).isEqualTo(1050);
        // Counters grow by a digit or two; no set of target ids grows with the run.
        assertThat(stored(run).toJson().length()).isLessThan(small + 16);
    }

    @Test
    void aRunScheduledByTheFormerLayoutIsConvertedOnceAndItsTargetInFlightIsCountedWhenItFinishes() {
        RunContext run = run("run-legacy", "5");
        Target t1 = Fixtures.clusterNode("t1", "c1");
        store.insertIfAbsent(RunTarget.ready(run, t1, clock.instant()));
        store.insertIfAbsent(RunTarget.ready(run, Fixtures.staticTarget("t2"), clock.instant()));
        // What the former runner wrote: a set of every target id per fact, and a member map.
        storeRollout(run,
                new Document("version", 3L).append("arrived", List.of("t1", "t2")).append("started", List.of("t1"))
                        .append("inFlight", List.of("t1")).append("finished", List.of()).append("failed", List.of())
                        .append("verified", List.of()).append("canary", List.of())
                        .append("members", List.of(new Document("t", "t1").append("c", "c1").append("r", "secondary")))
                        .append("halted", false).append("cancelled", false));
        RunTargetStore.Claim claim = claimUnder(run, "t1", 0);

        assertThat(rollouts.migrateLegacy()).isEqualTo(1);
        assertThat(rollouts.migrateLegacy()).isZero();
        RolloutState converted = state(run);
        assertThat(converted.arrived()).isEqualTo(2);
        assertThat(converted.started()).isEqualTo(1);
        assertThat(converted.inFlight()).containsExactly(new RolloutState.InFlight("t1", 0, "c1"));
        assertThat(rollouts.cluster(run.runId(), "c1").members()).containsOnlyKeys("t1");

        succeedUnder(claim, 0);

        assertThat(state(run).finished()).isEqualTo(1);
        assertThat(state(run).inFlight()).isEmpty();
        assertThat(rollouts.cluster(run.runId(), "c1").finished()).containsExactly("t1");
    }

    @Test
    void aRunWhoseTargetsInFlightAreStoredAsAnArrayIsConvertedOnceAndItsTargetIsCountedWhenItFinishes() {
        RunContext run = run("run-array", "5");
        Target t1 = Fixtures.clusterNode("t1", "c1");
        store.insertIfAbsent(RunTarget.ready(run, t1, clock.instant()));
        // What the runner before the map of tokens wrote: an array of {target, admission token, cluster}.
        storeRollout(run, new Document("version", 4L).append("rev", 7L).append("arrived", 1).append("started", 1)
                .append("inFlight", List.of(new Document("t", "t1").append("a", 4L).append("c", "c1")))
                .append("halted", false).append("cancelled", false));
        RunTargetStore.Claim claim = claimUnder(run, "t1", 4);

        assertThat(rollouts.migrateLegacy()).isEqualTo(1);
        assertThat(rollouts.migrateLegacy()).isZero();
        assertThat(state(run).inFlight()).containsExactly(new RolloutState.InFlight("t1", 4, "c1"));

        succeedUnder(claim, 4);

        assertThat(state(run).finished()).isEqualTo(1);
        assertThat(state(run).inFlight()).isEmpty();
        assertThat(rollouts.runsInProgress(10)).doesNotContain(run.runId());
    }

    @Test
    void targetIdsThatAreNotLegalFieldNamesGoInAndOutOfFlightUnchanged() {
        RunContext run = run("run-names", "5");
        // Field names may hold neither "." nor a leading "$"; the in-flight map keys its entries by target id.
        List<String> ids = List.of("db1.example.com", "$vm:42", "ns/app+canary 1", "50%off");
        for (String id : ids) {
            intake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.clusterNode(id, "cluster." + id)));
        }
        List<RolloutScheduler.Start> starts = scheduler.admit(run.runId(), queued(), 10).starts();
        assertThat(state(run).inFlight()).extracting(RolloutState.InFlight::targetId, RolloutState.InFlight::clusterId)
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> tuple(id, "cluster." + id)).toList());
        assertThat(rollouts.runsInProgress(10)).contains(run.runId());

        for (RolloutScheduler.Start start : starts) {
            scheduler.afterExecution(start, true, execute(start, true));
        }

        RolloutState s = state(run);
        assertThat(s.started()).isEqualTo(ids.size());
        assertThat(s.finished()).isEqualTo(ids.size());
        assertThat(s.inFlight()).isEmpty();
        assertThat(rollouts.runsInProgress(10)).doesNotContain(run.runId());
    }

    @Test
    void aClusterNodeTheClusterGateRefusesEndsRefusedOnceWithTheGatesReason() {
        RunContext run = run("run-refused", "5");
        sizes.record(run.runId(), 3);
        List<Boolean> allArrived = new CopyOnWriteArrayList<>();
        ClusterGate refusing = (r, targetId, clusterId, arrived) -> {
            allArrived.add(arrived);
            return arrived
                    ? AdmissionGate.Verdict.refused("preflight of cluster " + clusterId + " failed: lag")
                    : AdmissionGate.Verdict.waiting("the preflight waits for every node");
        };
        RolloutScheduler gated = scheduler(settings(ME), refusing);
        BackupIntake gatedIntake = new BackupIntake(store, recorder, new Dispatcher(store, null, recorder,
                settings(ME), gated, clock), gated, clock, refusing);
        gatedIntake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.clusterNode("n1", "c1")));
        gatedIntake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.staticTarget("t1")));

        // Not every node arrived: the gate holds the node, the other target goes on.
        RolloutScheduler.Pass waiting = gated.admit(run.runId(), queued(), 5);
        assertThat(waiting.starts()).extracting(st -> st.target().targetId()).containsExactly("t1");
        assertThat(waiting.ends()).isEmpty();

        gatedIntake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.clusterNode("n2", "c1")));
        List<RunTargetStore.ReadyTarget> nodes = queued().stream().filter(t -> t.clusterId() != null).toList();
        RolloutScheduler.Pass refused = gated.admit(run.runId(), nodes, 5);
        RolloutScheduler.Pass again = gated.admit(run.runId(), nodes, 5); // a second pass (or replica) decides it too
        assertThat(refused.starts()).isEmpty();
        assertThat(refused.ends()).hasSize(2);
        for (RolloutScheduler.End end : refused.ends()) {
            gated.end(end);
        }
        again.ends().forEach(gated::end);
        gated.repair();

        assertThat(allArrived).startsWith(false).endsWith(true);
        RolloutState s = state(run);
        assertThat(s.finished()).isEqualTo(2);
        assertThat(s.started()).isEqualTo(1);
        assertThat(s.transit()).isEmpty();
        assertThat(rollouts.cluster(run.runId(), "c1").finished()).containsExactlyInAnyOrder("n1", "n2");
        assertThat(published).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(
                PatchNotStarted.class, n -> {
                    assertThat(n.status()).isEqualTo(PatchNotStarted.NotStartedStatus.REFUSED);
                    assertThat(n.reason()).isEqualTo("preflight of cluster c1 failed: lag");
                }));
    }

    @Test
    void theClusterGateLearnsOfEveryBackupBeforeItsTargetIsRecorded() {
        RunContext run = run("run-backups", "5");
        List<String> seen = new CopyOnWriteArrayList<>();
        ClusterGate recording = new ClusterGate() {

            @Override
            public AdmissionGate.Verdict verdict(RunContext r, String targetId, String clusterId,
                    boolean allArrived) {
                return AdmissionGate.Verdict.open();
            }

            @Override
            public void backupCompleted(BackupCompleted event) {
                boolean recorded = store.find(RunTarget.idOf(event.runId(), event.targetId())).isPresent();
                seen.add(event.targetId() + (recorded ? " after" : " before"));
            }
        };
        BackupIntake gatedIntake = new BackupIntake(store, recorder, new Dispatcher(store, null, recorder,
                settings(ME), scheduler, clock), scheduler, clock, recording);

        gatedIntake.acceptAll(List.of(Fixtures.backupCompleted(run, Fixtures.clusterNode("n1", "c1")),
                Fixtures.backupCompleted(run, Fixtures.clusterNode("n2", "c1"))));
        gatedIntake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.clusterNode("n3", "c1")));

        assertThat(seen).containsExactly("n1 before", "n2 before", "n3 before");
    }

    @Test
    void aFailureItsExecutorMarkedNotCountedIsAFailureOutsideTheErrorBudget() {
        RunContext run = run("run-undelivered", "5");
        intake.onBackupCompleted(backup(run, "t1"));
        RolloutScheduler.Start start = admitOne(run);
        Instant now = clock.instant();
        RunTarget record = ((RunTargetStore.Claimed) store.claim(start.target().id(), ME, now, now.plusSeconds(60),
                start.token())).record();
        PatchflowEvent undelivered = recorder.recordAndEmit(record.id(), new PatchFailed(record.run(),
                record.target(), "DeliveryTimedOut", null, null, null, 1L,
                Map.of(ErrorBudget.DETAIL, ErrorBudget.NOT_COUNTED)));

        scheduler.afterExecution(start, true, undelivered);

        RolloutState s = state(run);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.budgetFailures()).isZero();
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private void crashAfterInsert(RunContext run, String targetId) {
        RunTarget fresh = RunTarget.ready(run, Fixtures.staticTarget(targetId), clock.instant());
        RolloutScheduler.Arrivals arrivals = scheduler.beginArrivals(List.of(fresh));
        store.insertAllIfAbsent(List.of(fresh), arrivals.nonces());
    }

    private RolloutScheduler.Start admitOne(RunContext run) {
        List<RolloutScheduler.Start> starts = scheduler.admit(run.runId(), queued(), 1).starts();
        assertThat(starts).hasSize(1);
        return starts.get(0);
    }

    /** What a worker does: claim under the admission's token, execute, record the outcome. */
    private PatchflowEvent execute(RolloutScheduler.Start start, boolean succeed) {
        Instant now = clock.instant();
        RunTargetStore.Claim claim = store.claim(start.target().id(), ME, now, now.plusSeconds(60), start.token());
        assertThat(claim).isInstanceOf(RunTargetStore.Claimed.class);
        RunTarget record = ((RunTargetStore.Claimed) claim).record();
        PatchflowEvent outcome = succeed
                ? new PatchApplied(record.run(), record.target(), PatchStatus.APPLIED, 0, null, null, 1L, Map.of())
                : new PatchFailed(record.run(), record.target(), "exit 3", 3, null, null, 1L, Map.of());
        return recorder.recordAndEmit(record.id(), outcome);
    }

    /** A run's rollout document as a former runner wrote it: {@code fields} with the run's id and context. */
    private void storeRollout(RunContext run, Document fields) {
        Document doc = new Document("_id", run.runId()).append("run", EventJson.mapper().valueToTree(run).toString());
        doc.putAll(fields);
        client.getDatabase("runner").getCollection(RunnerDatabase.ROLLOUTS).insertOne(doc);
    }

    private RunTargetStore.Claim claimUnder(RunContext run, String targetId, long token) {
        RunTargetStore.Claim claim = store.claim(RunTarget.idOf(run.runId(), targetId), ME, clock.instant(),
                clock.instant().plusSeconds(60), token);
        assertThat(claim).isInstanceOf(RunTargetStore.Claimed.class);
        return claim;
    }

    /** A worker's end of a target it claimed under admission {@code token}: applied, recorded, counted. */
    private void succeedUnder(RunTargetStore.Claim claim, long token) {
        RunTarget record = ((RunTargetStore.Claimed) claim).record();
        PatchflowEvent applied = recorder.recordAndEmit(record.id(), new PatchApplied(record.run(), record.target(),
                PatchStatus.APPLIED, 0, null, null, 1L, Map.of()));
        scheduler.afterExecution(new RolloutScheduler.Start(RunTargetStore.ReadyTarget.of(record, 60), token, false,
                false), true, applied);
    }

    private List<RunTargetStore.ReadyTarget> queued() {
        return store.findReady(clock.instant().plusSeconds(1), 1000);
    }

    private RolloutState state(RunContext run) {
        return rollouts.state(run.runId()).orElseThrow();
    }

    private Document stored(RunContext run) {
        return client.getDatabase("runner").getCollection(RunnerDatabase.ROLLOUTS).find(eq("_id", run.runId()))
                .first();
    }

    private static RunContext run(String runId, String maxConcurrency) {
        return Fixtures.run(runId, Fixtures.patch("demo-app", "1.1.0", "scripted", List.of(), null), false,
                Phases.ALL, maxConcurrency);
    }

    private static BackupCompleted backup(RunContext run, String targetId) {
        Target target = Fixtures.staticTarget(targetId);
        return Fixtures.backupCompleted(run, target);
    }
}
