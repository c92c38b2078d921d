package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Chaos (issue #13, point 5): a 1,000-target run with the process executor at concurrency 20 while each of the five
 * packaged services is killed with {@code kill -9} at a random moment and started again, then two at once, then the
 * Kafka broker is restarted. Afterwards the run has completed, every target has exactly one terminal status, the
 * patch's own invocation log holds exactly one line per install, S3 holds exactly one backup object per target, and
 * the report equals that of an undisturbed run of the same request in everything but times and run-specific
 * locations. Prints the schedule it followed (with its seed: {@code -Dchaos.seed=} replays it) and the figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChaosIT {

    /**
     * Enough that every fault of the schedule, the broker restart last, hits a run in its middle. How far the run
     * has got by then depends on how fast the services start again compared with how fast targets are patched: on a
     * quiet machine 281 of 1,000 installs were patched when the broker stopped (37 s), but with the machine under
     * heavy load a 500-target run was already fully patched by then (67 s). So 1,000 stays, and the test asserts that
     * the run was still under way at the broker restart, so that a schedule that misses it fails instead of proving
     * less unnoticed.
     */
    private static final int TARGETS = Integer.getInteger("chaos.targets", 1000);
    private static final long SEED = Long.getLong("chaos.seed", System.nanoTime());
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(20);
    /** The process executor's concurrency in the request. */
    private static final int CONCURRENCY = 20;
    /**
     * Installs patched at which the patch stage is held until the broker is back: the schedule's length depends on
     * how fast five JVMs start again, the run's on how fast targets are patched, and on a fast machine a 1,000-target
     * run had been fully patched before the broker stopped (CI, stop 18). Held scripts that passed the gate just
     * before it closed (at most the concurrency, plus what one poll misses) still fit below the fleet's size.
     */
    private static final int HOLD_AT = Math.max(20, TARGETS - 5 * CONCURRENCY);
    /** Long enough for a script held through two service restarts and the broker restart. */
    private static final int PATCH_TIMEOUT_SECONDS = 900;

    private final EventCodec codec = new EventCodec();
    private Path home;
    private Path work;
    private PatchflowSystem system;
    private RunWatcher runs;
    private KafkaProducer<String, byte[]> producer;
    private MinioClient s3;
    private int patchedWhenBrokerStopped;
    /** While this file exists, the patch waits before it runs (see {@link #HOLD_AT}). */
    private Path hold;
    private Path heldPatch;
    private boolean holdFailed;

    @BeforeAll
    void startEverything() throws Exception {
        home = LauncherMain.home();
        work = Files.createTempDirectory(home.resolve("launcher/target"), "chaos-");
        // A consumer killed with kill -9 stays in its group until its session times out (10 s on the embedded
        // stack, LocalStack#serviceProperties; with Kafka's 45 s the run stood still for about 47 s after each kill).
        system = PatchflowSystem.start(home, work, false, true, Map.of(),
                line -> System.out.println("[chaos] " + line));
        runs = new RunWatcher(system.reportUrl(), system.token("viewer"));
        hold = work.resolve("hold-patches");
        heldPatch = work.resolve("apply-unless-held.sh");
        Files.writeString(heldPatch, String.join("\n", "#!/bin/sh",
                "# The demo patch, run once the chaos test no longer holds the patch stage.",
                "while [ -e '" + hold + "' ]; do sleep 0.2; done",
                "exec '" + home.resolve("examples/patches/demo-app/apply.sh") + "' \"$@\"", ""));
        Files.setPosixFilePermissions(heldPatch, PosixFilePermissions.fromString("rwxr-xr-x"));
        producer = PipelineBenchmark.producer(system.stack().kafkaBootstrapServers());
        s3 = MinioClient.builder().endpoint(system.stack().s3Endpoint())
                .credentials(system.stack().s3AccessKey(), system.stack().s3SecretKey()).build();
    }

    @AfterAll
    void stopEverything() {
        if (producer != null) {
            producer.close();
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aRunSurvivesEveryServiceKilledTwoAtOnceAndABrokerRestartWithOneOutcomeOnePatchAndOneBackupPerTarget()
            throws Exception {
        // The reference: the same request, undisturbed, on a fleet of its own (the ledger knows which install has
        // which patch: the same names would be ALREADY_APPLIED), compared by the installs' numbers.
        List<Path> calmFleet = new DemoFleet(home, work.resolve("calm/fleet")).create("calm", TARGETS, "dev");
        PatchRequested calm = request(calmFleet.get(0).getParent());
        long calmStart = System.nanoTime();
        send(calm);
        JsonNode calmRun = runs.awaitCompleted(calm.runId(), RUN_TIMEOUT);
        double calmSeconds = (System.nanoTime() - calmStart) / 1e9;

        List<Path> fleet = new DemoFleet(home, work.resolve("chaos/fleet")).create("chaos", TARGETS, "dev");
        PatchRequested request = request(fleet.get(0).getParent());
        long start = System.nanoTime();
        send(request);
        List<String> schedule = chaos(fleet, start);
        JsonNode run = runs.awaitCompleted(request.runId(), RUN_TIMEOUT);
        double seconds = (System.nanoTime() - start) / 1e9;

        System.out.printf("[chaos] seed %d; what was done, in seconds from the request:%n", SEED);
        schedule.forEach(line -> System.out.println("[chaos]   " + line));
        System.out.printf("[chaos] %d targets: undisturbed run %.1f s, run under chaos %.1f s%n", TARGETS,
                calmSeconds, seconds);

        assertThat(patchedWhenBrokerStopped).as("installs patched when the broker was stopped: the run was under way")
                .isLessThan(TARGETS);
        assertThat(run.path("outcome").asText()).isEqualTo("SUCCEEDED");
        Map<String, String> statuses = new HashMap<>();
        for (JsonNode target : run.path("targets")) {
            assertThat(statuses.put(target.path("targetId").asText(), target.path("status").asText()))
                    .as("one terminal status for %s", target.path("targetId").asText()).isNull();
        }
        assertThat(statuses).hasSize(TARGETS);
        assertThat(statuses.values()).containsOnly("SUCCEEDED");
        for (Path install : fleet) {
            assertThat(Files.readAllLines(install.resolve(".patch-history")))
                    .as("patch invocations of %s", install.getFileName()).hasSize(1);
        }
        assertThat(backupObjects(request.runId())).as("backup objects of run %s", request.runId())
                .hasSize(TARGETS).allSatisfy((target, objects) -> assertThat(objects)
                        .as("backup objects of %s", target).isEqualTo(1));
        assertThat(comparable(run)).as("the report under chaos, but for times and run-specific locations")
                .isEqualTo(comparable(calmRun));
    }

    /**
     * Kills each service once in a random order at random moments, each started again at once in the background
     * (the next kill does not wait for it to be ready); once all are back, two at once; once those are back, restarts
     * the broker. Returns what it did, when. Not waiting for readiness between kills keeps the schedule short, so
     * that even the broker restart falls in the middle of the run; should the run get to {@link #HOLD_AT} installs
     * patched first, the patch stage is held there until the broker is back (the other stages go on).
     */
    private List<String> chaos(List<Path> fleet, long start) throws Exception {
        Random random = new Random(SEED);
        List<String> schedule = Collections.synchronizedList(new ArrayList<>());
        List<PatchflowService> order = new ArrayList<>(EnumSet.allOf(PatchflowService.class));
        Collections.shuffle(order, random);
        ExecutorService restarts = Executors.newFixedThreadPool(order.size());
        ScheduledExecutorService holder = Executors.newSingleThreadScheduledExecutor();
        holder.scheduleWithFixedDelay(() -> holdPatchesAt(fleet, start, schedule), 0, 100, TimeUnit.MILLISECONDS);
        try {
            // The first kill once the run is under way (some installs patched), so every stage has work in flight.
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                    .until(() -> patched(fleet) >= 20);
            List<Future<?>> back = new ArrayList<>();
            for (PatchflowService service : order) {
                Thread.sleep(500 + random.nextInt(2500));
                back.addAll(kill(List.of(service), fleet, start, schedule, restarts));
            }
            awaitAll(back);
            Thread.sleep(500 + random.nextInt(2500));
            List<PatchflowService> two = new ArrayList<>(order);
            Collections.shuffle(two, random);
            awaitAll(kill(two.subList(0, 2), fleet, start, schedule, restarts));

            Thread.sleep(500 + random.nextInt(2500));
            patchedWhenBrokerStopped = patched(fleet);
            system.stack().stopKafka();
            schedule.add(String.format("%6.1f  Kafka broker stopped (%d of %d installs patched)", since(start),
                    patchedWhenBrokerStopped, TARGETS));
            Thread.sleep(3000);
            system.stack().startKafka();
            schedule.add(String.format("%6.1f  Kafka broker started again", since(start)));
        } finally {
            holder.shutdownNow();
            holder.awaitTermination(10, TimeUnit.SECONDS);
            restarts.shutdownNow();
            if (Files.deleteIfExists(hold)) {
                schedule.add(String.format("%6.1f  patch stage no longer held (%d of %d installs patched)",
                        since(start), patched(fleet), TARGETS));
            }
        }
        return new ArrayList<>(schedule);
    }

    private void holdPatchesAt(List<Path> fleet, long start, List<String> schedule) {
        if (holdFailed || Files.exists(hold)) {
            return;
        }
        int patched = patched(fleet);
        if (patched >= HOLD_AT) {
            try {
                Files.createFile(hold);
                schedule.add(String.format("%6.1f  patch stage held (%d of %d installs patched)", since(start),
                        patched, TARGETS));
            } catch (IOException e) {
                // A scheduled task that throws is cancelled without a word: say it in the schedule instead, once.
                holdFailed = true;
                schedule.add(String.format("%6.1f  could not hold the patch stage: %s", since(start), e));
            }
        }
    }

    /** {@code kill -9} of the services at once; each is started again on {@code restarts}. */
    private List<Future<?>> kill(List<PatchflowService> services, List<Path> fleet, long start, List<String> schedule,
            ExecutorService restarts) throws InterruptedException {
        int before = patched(fleet);
        for (PatchflowService service : services) {
            system.service(service).kill();
        }
        schedule.add(String.format("%6.1f  kill -9 %s (%d of %d installs patched)", since(start), services, before,
                TARGETS));
        List<Future<?>> back = new ArrayList<>();
        for (PatchflowService service : services) {
            back.add(restarts.submit(() -> {
                system.restart(service);
                schedule.add(String.format("%6.1f  %s ready again", since(start), service));
                return null;
            }));
        }
        return back;
    }

    private static void awaitAll(List<Future<?>> futures) throws Exception {
        for (Future<?> f : futures) {
            f.get(5, TimeUnit.MINUTES);
        }
    }

    private static double since(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static int patched(List<Path> fleet) {
        return (int) fleet.stream().filter(install -> Files.exists(install.resolve(".patch-history"))).count();
    }

    /** Backup objects of the run in S3, per target id (the object's name without its extension). */
    private Map<String, Integer> backupObjects(String runId) throws Exception {
        Map<String, Integer> objects = new TreeMap<>();
        String prefix = "backups/" + runId + "/";
        for (Result<Item> result : s3.listObjects(ListObjectsArgs.builder().bucket(system.stack().s3Bucket())
                .prefix(prefix).recursive(true).build())) {
            String name = result.get().objectName().substring(prefix.length());
            int dot = name.indexOf('.');
            objects.merge(dot < 0 ? name : name.substring(0, dot), 1, Integer::sum);
        }
        return objects;
    }

    /**
     * A run's targets as the report shows them, without what differs between two runs of one request by nature:
     * times and durations, and locations that name the run (backup object, patch output). A patch adopted after a
     * runner restart says so in its details; those details are left out too (the status, exit code and version are
     * compared). Targets are keyed by their install's number ({@code calm-0042} and {@code chaos-0042} → 0042).
     */
    private static Map<String, String> comparable(JsonNode run) {
        Map<String, String> targets = new TreeMap<>();
        for (JsonNode t : run.path("targets")) {
            String id = t.path("targetId").asText();
            targets.put(id.substring(id.indexOf('-') + 1), String.join(" | ", t.path("status").asText(),
                    t.path("phase").asText(), t.path("installedVersion").asText(), t.path("reason").asText(),
                    t.path("backup").path("status").asText(), t.path("patch").path("status").asText(),
                    t.path("patch").path("exitCode").asText(), t.path("validation").path("status").asText(),
                    t.path("validation").path("failed").toString()));
        }
        targets.put("(run)", String.join(" | ", run.path("outcome").asText(), run.path("state").asText(),
                run.path("counts").toString().replace("\"", "")));
        return targets;
    }

    private void send(PatchRequested request) throws Exception {
        producer.send(codec.toRecord(CloudEvent.of("/patchflow/chaos-it", request))).get();
    }

    private PatchRequested request(Path fleetRoot) {
        String runId = "chaos-" + UUID.randomUUID().toString().substring(0, 8);
        return new PatchRequested(runId, Instant.now(), "chaos-it",
                new PatchSpec("demo-app", "1.1.0", PatchSpec.EXECUTOR_PROCESS, List.of(heldPatch.toString()),
                        PATCH_TIMEOUT_SECONDS, Map.of()),
                new TargetSelector("directory", fleetRoot.toString(), "dev", List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, new RolloutPolicy(null, String.valueOf(CONCURRENCY)),
                        List.of(new CheckSpec("version", CheckSpec.VERSION, null, null, null, null, null))));
    }
}
