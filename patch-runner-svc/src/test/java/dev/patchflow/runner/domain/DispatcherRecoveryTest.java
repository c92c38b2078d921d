package dev.patchflow.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.runner.adapters.mongo.MongoAdoptionStore;
import dev.patchflow.runner.adapters.mongo.MongoPatchLedger;
import dev.patchflow.runner.adapters.mongo.MongoRolloutStore;
import dev.patchflow.runner.adapters.mongo.MongoRunSizes;
import dev.patchflow.runner.adapters.mongo.MongoRunTargetStore;
import dev.patchflow.runner.adapters.mongo.RunnerDatabase;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.runner.domain.rollout.RolloutSettings;
import dev.patchflow.runner.domain.rollout.RolloutState;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The dispatcher with the real scheduler and stores (mongo-java-server) after a runner died in the middle of a
 * run: what it left in MongoDB (targets admitted and claimed, others queued) is found again and the run
 * completes, each target executed and reported once, never more than the run's limit at once. And a queue whose
 * first targets wait their turn does not hold back the targets behind them.
 */
class DispatcherRecoveryTest {

    private static final String DEAD = "runner-dead";
    private static final String ME = "runner-restarted";

    @TempDir
    Path work;

    private MongoServer server;
    private MongoClient client;
    private RunnerDatabase database;
    private Dispatcher dispatcher;
    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();
    private final Map<String, PatchflowEvent> published = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        database = new RunnerDatabase(client, "runner");
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.stop();
        }
        client.close();
        server.shutdownNow();
    }

    private RunnerSettings settings(String instanceId) throws Exception {
        return new RunnerSettings(4, 8, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofMillis(300),
                Duration.ofMillis(200), Duration.ofMillis(500), 20, Files.createDirectories(work.resolve(instanceId)),
                instanceId, "/patchflow/patch-runner-svc");
    }

    /** One runner's beans over the shared database. */
    private final class Runner {

        final MongoRunTargetStore store;
        final RolloutScheduler scheduler;
        final Dispatcher dispatcher;
        final BackupIntake intake;
        final MongoAdoptionStore adoption;

        Runner(String instanceId) throws Exception {
            RunnerSettings settings = settings(instanceId);
            Clock clock = Clock.systemUTC();
            store = new MongoRunTargetStore(database, settings);
            OutcomeRecorder recorder = new OutcomeRecorder(store, e -> published.put(e.runId() + "/" + e
                    .targetId(), e), clock);
            scheduler = new RolloutScheduler(new MongoRolloutStore(database), new MongoRunSizes(database), store,
                    recorder, (event, attempt) -> {
                    }, settings, new RolloutSettings(List.of("dev"), null), clock, List.of(), List.of());
            PatchExecutor counting = new PatchExecutor() {

                @Override
                public String name() {
                    return "counting";
                }

                @Override
                public ExecutionResult execute(ExecutionRequest request) {
                    executions.computeIfAbsent(request.target().id(), k -> new AtomicInteger()).incrementAndGet();
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                    return ExecutionResult.success(0, Duration.ofMillis(50), Map.of());
                }
            };
            PatchApplier applier = new PatchApplier(new ExecutorRegistry(List.of(counting)),
                    new MongoPatchLedger(database), store, (runId, targetId, file) -> "s3://x/" + targetId, recorder,
                    settings, clock);
            dispatcher = new Dispatcher(store, applier, recorder, settings, scheduler, clock);
            intake = new BackupIntake(store, recorder, dispatcher, scheduler, clock);
            adoption = new MongoAdoptionStore(database, store);
        }
    }

    @Test
    void aRunWhoseRunnerDiedMidRunCompletesOnceWhenARunnerOfTheSameInstanceStartsAgain() throws Exception {
        RunContext run = Fixtures.run("run-mid", Fixtures.patch("demo-app", "3.0.0", "counting", List.of(), 60), false,
                Phases.ALL, "4");
        List<String> targets = IntStream.rangeClosed(1, 8).mapToObj(i -> "node-0" + i).toList();
        Runner dead = new Runner(DEAD);
        // What the dead runner left: every target arrived, four admitted and claimed (one of them finished and
        // counted), the rest queued.
        for (String t : targets) {
            dead.intake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.staticTarget(t)));
        }
        var pass = dead.scheduler.admit(run.runId(), dead.store.findReady(Instant.now().plusSeconds(1), 100), 8);
        assertThat(pass.starts()).hasSize(4);
        for (var start : pass.starts()) {
            Instant now = Instant.now();
            dead.store.claim(start.target().id(), DEAD, now, now.plusSeconds(3600), start.token());
        }

        Runner restarted = new Runner(DEAD);
        // What DispatcherLifecycle does for the same instance id: its claims are its own, released at once.
        assertThat(restarted.adoption.releaseClaimsOf(DEAD, Instant.now())).isEqualTo(4);
        dispatcher = restarted.dispatcher;
        dispatcher.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> published.size() == targets.size());
        assertThat(executions).hasSize(8).allSatisfy((t, n) -> assertThat(n.get()).as(t).isEqualTo(1));
        assertThat(peak.get()).isLessThanOrEqualTo(4);
        RolloutState s = new MongoRolloutStore(database).state(run.runId()).orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> new MongoRolloutStore(database).state(run.runId())
                .orElseThrow().finished() == 8);
        assertThat(s.arrived()).isEqualTo(8);
    }

    @Test
    void aRunWhoseRunnerDiedIsTakenOverByAnotherInstanceOnceTheClaimsExpire() throws Exception {
        RunContext run = Fixtures.run("run-other", Fixtures.patch("demo-app", "3.0.1", "counting", List.of(), 60),
                false, Phases.ALL, "2");
        Runner dead = new Runner(DEAD);
        for (String t : List.of("a", "b", "c")) {
            dead.intake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.staticTarget(t)));
        }
        var pass = dead.scheduler.admit(run.runId(), dead.store.findReady(Instant.now().plusSeconds(1), 100), 8);
        for (var start : pass.starts()) {
            Instant now = Instant.now();
            // Claims that expire a moment later: the dead runner stops refreshing nothing, they just lapse.
            dead.store.claim(start.target().id(), DEAD, now, now.plusMillis(300), start.token());
        }

        dispatcher = new Runner(ME).dispatcher;
        dispatcher.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> published.size() == 3);
        assertThat(executions).hasSize(3).allSatisfy((t, n) -> assertThat(n.get()).as(t).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> new MongoRolloutStore(database).state(run.runId())
                .orElseThrow().finished() == 3);
    }

    @Test
    void targetsQueuedBehindManyNodesWaitingForTheirClusterStartWithoutWaitingForThem() throws Exception {
        RunContext run = Fixtures.run("run-behind", Fixtures.patch("demo-app", "3.0.2", "counting", List.of(), 60),
                false, Phases.ALL, "8");
        Runner runner = new Runner(ME);
        // One node of a cluster at a time: 150 nodes queued first (more than a usual pass looks at), then three
        // targets that may start at once.
        for (int i = 0; i < 150; i++) {
            runner.intake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.clusterNode("node-" + i, "c1")));
        }
        List<String> behind = List.of("web-1", "web-2", "web-3");
        for (String t : behind) {
            runner.intake.onBackupCompleted(Fixtures.backupCompleted(run, Fixtures.staticTarget(t)));
        }
        dispatcher = runner.dispatcher;
        dispatcher.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> behind.stream().allMatch(t -> published.containsKey(
                run.runId() + "/" + t)));
        long nodesDone = published.keySet().stream().filter(k -> k.startsWith(run.runId() + "/node-")).count();
        assertThat(nodesDone).as("cluster nodes done before the targets behind them").isLessThan(10);
        assertThat(peak.get()).isLessThanOrEqualTo(8);
    }
}
