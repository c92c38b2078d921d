package dev.patchflow.runner.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.runner.adapters.mongo.MongoPatchLedger;
import dev.patchflow.runner.adapters.mongo.MongoRolloutStore;
import dev.patchflow.runner.adapters.mongo.MongoRunSizes;
import dev.patchflow.runner.adapters.mongo.MongoRunTargetStore;
import dev.patchflow.runner.adapters.mongo.RunnerDatabase;
import dev.patchflow.runner.domain.BackupIntake;
import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.ExecutorRegistry;
import dev.patchflow.runner.domain.OutcomeRecorder;
import dev.patchflow.runner.domain.PatchApplier;
import dev.patchflow.runner.domain.PatchExecutor;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.runner.domain.rollout.RolloutSettings;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Rollout makespan benchmark (prints figures, asserts nothing): N targets, each a simulated patch of D ms, under
 * a rolling policy at concurrency C, through the runner's real intake, dispatcher, rollout scheduler, ledger and
 * MongoDB state (mongo-java-server in memory; Kafka and S3 replaced by counters). Prints the makespan next to
 * the ideal N / C × D, their ratio, and what the seed's sequential loop over hosts (one target after another)
 * takes for the same work: N × D.
 * <p>
 * Run: {@code mvn -q test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.patchflow.runner.bench.RolloutBenchmark [-Dexec.args="1000 50 100"]}
 */
public final class RolloutBenchmark {

    private RolloutBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        long durationMs = args.length > 2 ? Long.parseLong(args[2]) : 100;

        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":"
                + address.getPort())) {
            RunnerDatabase database = new RunnerDatabase(client, "runner");
            database.ensureIndexes();
            RunnerSettings settings = new RunnerSettings(4, concurrency, Duration.ofMinutes(10), Duration.ofSeconds(60),
                    Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10), 20,
                    Files.createTempDirectory("rollout-bench"), "bench", "/patchflow/patch-runner-svc");
            Clock clock = Clock.systemUTC();
            MongoRunTargetStore store = new MongoRunTargetStore(database, settings);
            MongoRunSizes sizes = new MongoRunSizes(database);
            CountDownLatch done = new CountDownLatch(targets);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            OutcomeRecorder recorder = new OutcomeRecorder(store, outcome -> done.countDown(), clock);
            RolloutScheduler scheduler = new RolloutScheduler(new MongoRolloutStore(database), sizes, store, recorder,
                    (event, attempt) -> {
                    }, settings, new RolloutSettings(List.of("dev"), null), clock);
            PatchExecutor simulated = new PatchExecutor() {

                @Override
                public String name() {
                    return "simulated";
                }

                @Override
                public ExecutionResult execute(ExecutionRequest request) {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        // The simulated patch: the benchmark measures the scheduling around it.
                        Thread.sleep(durationMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        running.decrementAndGet();
                    }
                    return ExecutionResult.success(0, Duration.ofMillis(durationMs), Map.of());
                }
            };
            PatchApplier applier = new PatchApplier(new ExecutorRegistry(List.of(simulated)),
                    new MongoPatchLedger(database), store, (runId, targetId, file) -> "s3://bench/" + targetId,
                    recorder, settings, clock);
            Dispatcher dispatcher = new Dispatcher(store, sizes, applier, recorder, settings, scheduler, clock);
            BackupIntake intake = new BackupIntake(store, recorder, dispatcher, scheduler, clock);

            RunContext run = new RunContext("bench-" + System.currentTimeMillis(), Instant.now(), "bench",
                    new PatchSpec("bench-app", "1.0.0", "simulated", List.of(), null, Map.of()),
                    new TargetSelector("static", "bench.yaml", "prod", List.of(), Map.of()),
                    new RunOptions(false, new Phases(true, true, true),
                            new RolloutPolicy("rolling", String.valueOf(concurrency)), List.of()));
            sizes.record(run.runId(), targets);
            dispatcher.start();
            long started = System.nanoTime();
            for (int i = 0; i < targets; i++) {
                Target target = new Target(String.format("host-%05d", i), null, Target.KIND_STATIC, "prod", "lz",
                        Map.of(),
                        null, null, null, null, null, null, null, null);
                intake.onBackupCompleted(new BackupCompleted(run, target, BackupStatus.SKIPPED, null, null, null,
                        "bench", Instant.now()));
            }
            if (!done.await(30, TimeUnit.MINUTES)) {
                System.out.println("did not finish within 30 minutes; " + done.getCount() + " targets left");
            }
            double makespan = (System.nanoTime() - started) / 1e9;
            double ideal = (double) targets / concurrency * durationMs / 1000.0;
            double sequential = targets * durationMs / 1000.0;
            dispatcher.stop();

            System.out.printf("targets %d, simulated patch %d ms, max concurrency %d (peak observed %d)%n", targets,
                    durationMs, concurrency, peak.get());
            System.out.printf("makespan            %8.2f s%n", makespan);
            System.out.printf("ideal N/C x D       %8.2f s   makespan / ideal = %.2f%n", ideal, makespan / ideal);
            System.out.printf("sequential N x D    %8.2f s   (the seed's one-host-after-another loop; %.1fx slower)%n",
                    sequential, sequential / makespan);
        } finally {
            server.shutdownNow();
        }
    }
}
