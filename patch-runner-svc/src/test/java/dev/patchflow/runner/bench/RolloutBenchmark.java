package dev.patchflow.runner.bench;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.localstack.IdLookupBackends;
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

/**
 * Rollout makespan benchmark (prints figures, asserts nothing): N targets, each a simulated patch of D ms, under
 * a rolling policy at concurrency C, through the runner's real intake (in batches of {@value #INTAKE_BATCH}, as a
 * batch consumer hands them over), dispatcher, rollout scheduler, ledger and MongoDB state (mongo-java-server in
 * memory; Kafka and S3 replaced by counters). Prints the makespan next to the ideal N / C × D, their ratio, the
 * peak concurrency observed, and the scheduling overhead per target; then the same at ten times the size on the
 * same server, so that a cost growing with the run shows as a growing overhead.
 * <p>
 * Run (from the repository root, then in {@code patch-runner-svc}):
 *
 * <pre>
 * ./mvnw -q -pl patch-runner-svc -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp-rollout.txt -Dmdep.includeScope=test
 * cd patch-runner-svc
 * java -cp target/test-classes:target/classes:$(cat /tmp/cp-rollout.txt) \
 *     dev.patchflow.runner.bench.RolloutBenchmark 1000 50 100
 * </pre>
 *
 * Arguments: targets (one size N: N and 10 × N; or a comma-separated list of sizes), concurrency, patch ms,
 * most warm-up targets (default 30,000; 0 for none). The warm-up runs go through the same code and database
 * first, in rounds of {@value #WARM_UP_ROUND} targets until the JIT compilers settle, and are printed but not
 * counted: a deployed runner is a long-running JVM, so the figures are those of compiled code, not of the
 * interpreter and JIT compilers of its first minute (idle machine: a cold 1,000-target run measured 2.4× ideal;
 * after 1,000 warm-up targets 1.44×, after 5,000 1.12–1.22×; on a loaded machine a 10,000-target run measured
 * 1.80× after a 2,000-target warm-up and 1.15× right after it). Each measured run prints the time its JIT
 * compilers took, so a figure taken while they were still busy shows as such.
 */
public final class RolloutBenchmark {

    private static final int INTAKE_BATCH = 100;
    private static final int WARM_UP_ROUND = 2_000;
    private static final double SETTLED_JIT_SHARE = 0.05;

    private RolloutBenchmark() {
    }

    /** One size's figures. */
    private record Figures(int targets, int concurrency, long durationMs, double makespan, int peak, double cpu) {

        double ideal() {
            return (double) targets / concurrency * durationMs / 1000.0;
        }

        double ratio() {
            return makespan / ideal();
        }

        /** Scheduling time per target and slot: (makespan - ideal) × C / N. */
        double overheadMsPerTarget() {
            return (makespan - ideal()) * 1000.0 * concurrency / targets;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = sizes(args.length > 0 ? args[0] : "1000");
        int concurrency = args.length > 1 ? number("concurrency (2nd argument)", args[1], 1) : 50;
        long durationMs = args.length > 2 ? number("simulated patch ms (3rd argument)", args[2], 0) : 100;
        int warmUp = args.length > 3 ? number("most warm-up targets (4th argument)", args[3], 0) : 30_000;
        quiet();

        MongoServer server = new MongoServer(IdLookupBackends.inMemory());
        InetSocketAddress address = server.bind();
        List<Figures> all = new ArrayList<>();
        try (MongoClient client = MongoClients.create("mongodb://" + address.getHostString() + ":"
                + address.getPort())) {
            RunnerDatabase database = new RunnerDatabase(client, "runner");
            database.ensureIndexes();
            warmUp(database, warmUp, concurrency, durationMs);
            for (int targets : sizes) {
                long jitBefore = jitMillis();
                Figures f = run(database, targets, concurrency, durationMs);
                all.add(f);
                print(f, jitMillis() - jitBefore);
            }
        } finally {
            server.shutdownNow();
        }
        if (all.size() > 1) {
            Figures first = all.get(0);
            Figures last = all.get(all.size() - 1);
            System.out.printf("%nper-target overhead %d → %d targets: %.2f ms → %.2f ms (%.2fx); makespan / ideal "
                    + "%.2f → %.2f%n", first.targets(), last.targets(), first.overheadMsPerTarget(),
                    last.overheadMsPerTarget(), last.overheadMsPerTarget() / Math.max(0.01, first
                            .overheadMsPerTarget()),
                    first.ratio(), last.ratio());
        }
    }

    /**
     * Runs warm-up rounds of {@value #WARM_UP_ROUND} targets, up to {@code maxTargets} in all, until one spends
     * less than {@value #SETTLED_JIT_SHARE} of its makespan in the JIT compilers: after the fixed 10,000-target
     * warm-up C2 was still busy on most of a core (JFR), and four 1,000-target runs in that JVM measured 1.25, 1.26,
     * 1.15 and 1.12× ideal as it finished. A deployed runner's compilers settled long before its thousandth run.
     */
    private static void warmUp(RunnerDatabase database, int maxTargets, int concurrency, long durationMs)
            throws Exception {
        int done = 0;
        while (done < maxTargets) {
            int round = Math.min(WARM_UP_ROUND, maxTargets - done);
            long jitBefore = jitMillis();
            Figures w = run(database, round, concurrency, durationMs);
            done += round;
            double jitShare = (jitMillis() - jitBefore) / 1000.0 / w.makespan();
            System.out.printf("warm-up (not counted): %d targets in %.2f s, makespan / ideal = %.2f, JIT compilers "
                    + "busy %.0f%% of it%n", round, w.makespan(), w.ratio(), jitShare * 100);
            if (jitShare < SETTLED_JIT_SHARE) {
                break;
            }
        }
        if (done > 0) {
            System.out.println();
        }
    }

    /** Time the JIT compilers spent so far, summed over their threads. */
    private static long jitMillis() {
        return java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    private static List<Integer> sizes(String arg) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : arg.split(",")) {
            sizes.add(number("targets (1st argument)", s.trim(), 1));
        }
        if (sizes.size() == 1) {
            sizes.add(sizes.get(0) * 10);
        }
        return sizes;
    }

    /** {@code value} as a whole number of at least {@code min}, or an error naming the argument. */
    private static int number(String what, String value, int min) {
        int n;
        try {
            n = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, not '" + value + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", not " + n);
        }
        return n;
    }

    private static Figures run(RunnerDatabase database, int targets, int concurrency, long durationMs)
            throws Exception {
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
                }, settings, new RolloutSettings(List.of("dev"), null), clock, List.of(), List.of());
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
        Dispatcher dispatcher = new Dispatcher(store, applier, recorder, settings, scheduler, clock);
        BackupIntake intake = new BackupIntake(store, recorder, dispatcher, scheduler, clock);

        String runId = "bench-" + targets + "-" + System.nanoTime();
        // A version of its own per run: the ledger would find a size measured twice already applied.
        RunContext run = new RunContext(runId, Instant.now(), "bench",
                new PatchSpec("bench-app", "1.0.0-" + runId, "simulated", List.of(), null, Map.of()),
                new TargetSelector("static", "bench.yaml", "prod", List.of(), Map.of()),
                new RunOptions(false, new Phases(true, true, true),
                        new RolloutPolicy("rolling", String.valueOf(concurrency)), List.of()));
        sizes.record(run.runId(), targets);
        dispatcher.start();
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        List<BackupCompleted> batch = new ArrayList<>(INTAKE_BATCH);
        for (int i = 0; i < targets; i++) {
            Target target = new Target(String.format("host-%06d", i), null, Target.KIND_STATIC, "prod", "lz", Map.of(),
                    null, null, null, null, null, null, null, null);
            batch.add(new BackupCompleted(run, target, BackupStatus.SKIPPED, null, null, null, "bench",
                    Instant.now()));
            if (batch.size() == INTAKE_BATCH || i == targets - 1) {
                intake.acceptAll(batch);
                batch = new ArrayList<>(INTAKE_BATCH);
            }
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
            System.out.println("did not finish within 30 minutes; " + done.getCount() + " targets left");
        }
        double makespan = (System.nanoTime() - started) / 1e9;
        double cpu = (processCpuNanos() - cpuBefore) / 1e9;
        dispatcher.stop();
        return new Figures(targets, concurrency, durationMs, makespan, peak.get(), cpu);
    }

    private static void print(Figures f, long jitMillis) {
        double sequential = f.targets() * f.durationMs() / 1000.0;
        System.out.printf("targets %d, simulated patch %d ms, max concurrency %d (peak observed %d)%n", f.targets(),
                f.durationMs(), f.concurrency(), f.peak());
        System.out.printf("makespan            %8.2f s%n", f.makespan());
        System.out.printf("ideal N/C x D       %8.2f s   makespan / ideal = %.2f   overhead %.2f ms per target%n",
                f.ideal(), f.ratio(), f.overheadMsPerTarget());
        System.out.printf("sequential N x D    %8.2f s   (the seed's one-host-after-another loop; %.1fx slower)%n",
                sequential, sequential / f.makespan());
        // The runner and the wire server share this JVM: the CPU both spend per target bounds the makespan from
        // below at CPU / cores, however well the scheduling overlaps with it.
        System.out.printf("CPU (this JVM)      %8.2f s   %.2f ms per target, %.2f of %d cores busy on average%n",
                f.cpu(), f.cpu() * 1000 / f.targets(), f.cpu() / f.makespan(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("JIT compilers        %8.2f s   during this run%n", jitMillis / 1000.0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Libraries log through slf4j to JBoss LogManager, whose root level quarkus-bootstrap-runner (on this test
     * classpath) leaves at ALL: the MongoDB driver would then render every command as JSON and the wire server
     * every message, a third of the CPU measured. A deployed service logs at INFO.
     */
    private static void quiet() {
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        java.util.logging.Logger.getLogger("de.bwaldvogel").setLevel(Level.SEVERE);
        org.jboss.logmanager.LogContext.getLogContext().getLogger("").setLevel(Level.WARNING);
        java.util.logging.Logger.getLogger("org.mongodb").setLevel(Level.WARNING);
    }
}
