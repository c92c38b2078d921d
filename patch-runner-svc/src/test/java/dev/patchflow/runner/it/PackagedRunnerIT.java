package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.KafkaProbe;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The packaged service started the way the launcher starts it ({@code java -jar quarkus-run.jar} with {@code -D}
 * properties from {@link LocalStack#serviceProperties()} and {@code -Dquarkus.http.port}), including a crash in the
 * middle of a patch and in the middle of a run: children that outlive the runner are adopted, never run twice.
 */
class PackagedRunnerIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    @TempDir
    Path dir;

    private final List<Process> services = new ArrayList<>();
    private final Map<Process, Integer> ports = new HashMap<>();

    @AfterEach
    void stopServices() throws InterruptedException {
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
    }

    @Test
    void aRunnerKilledInTheMiddleOfAPatchAdoptsTheStillRunningChildAfterRestartAndReportsItOnce() throws Exception {
        LocalStack stack = localStack.stack();
        // No instance id: the restarted runner is another instance and adopts the target once its lease expired.
        Process first = start(stack, "first");
        awaitReady(first, "first");

        Path install = Files.createDirectories(dir.resolve("fleet/app-01"));
        Path invocations = dir.resolve("invocations.log");
        Path marker = dir.resolve("first-attempt-started");
        // Takes long enough to outlive the runner; a second execution would say "resumed".
        String script = "echo attempt >> '" + invocations + "'; if [ -f '" + marker + "' ]; then echo resumed; "
                + "else touch '" + marker + "'; sleep 4; echo first-attempt-finished; fi";
        PatchSpec patch = new PatchSpec("demo-app", "2.0.0", "process", List.of("sh", "-c", script), 10, Map.of());
        RunContext run = Fixtures.run("packaged-run", patch, false, Phases.ALL, null);
        Target target = Fixtures.directoryTarget("app-01", install.toString());

        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(marker));

            first.destroyForcibly().waitFor();
            Process second = start(stack, "second");

            List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey("packaged-run/app-01", 1);
            PatchApplied applied = Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();
            assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(applied.outputTail()).isEqualTo("first-attempt-finished");
            assertThat(applied.details()).containsKey("adopted");
            assertThat(Files.readAllLines(invocations)).containsExactly("attempt");
            assertThat(patches.keyAfter("packaged-run/app-01", Duration.ofSeconds(3))).hasSize(1);
            assertThat(second.isAlive()).isTrue();
        }
    }

    @Test
    void aRunnerKilledMidRunAndRestartedCompletesTheRunWithEveryPatchExecutedExactlyOnce() throws Exception {
        LocalStack stack = localStack.stack();
        String instanceId = "runner-it-" + System.nanoTime();
        Process first = start(stack, "mid-run-first", "-Dpatchflow.runner.instance-id=" + instanceId);
        awaitReady(first, "mid-run-first");

        Path invocations = Files.createDirectories(dir.resolve("invocations"));
        // The executor's own record: one line per execution, in a file per target.
        String script = "echo \"$PATCHFLOW_RUN_ID\" >> '" + invocations + "'/\"$PATCHFLOW_TARGET_ID\"; sleep 2; "
                + "echo patched \"$PATCHFLOW_TARGET_ID\"";
        PatchSpec patch = new PatchSpec("demo-app", "3.0.0", "process", List.of("sh", "-c", script), 60, Map.of());
        RunContext run = Fixtures.run("mid-run", patch, false, Phases.ALL, "4");
        List<String> targetIds = IntStream.rangeClosed(1, 8).mapToObj(i -> "node-0" + i).toList();

        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            for (String id : targetIds) {
                backups.send(Records.producerRecord("/patchflow/backup-svc",
                        Fixtures.backupCompleted(run, Fixtures.staticTarget(id))));
            }
            // Mid-run: patches are executing (their first line is written) and at most half the fleet started.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> invocationFiles(invocations) >= 2);
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly();
            first.waitFor();
            assertThat(invocationFiles(invocations)).as("killed mid-run").isLessThan(targetIds.size());

            Process second = start(stack, "mid-run-second", "-Dpatchflow.runner.instance-id=" + instanceId);

            List<PatchApplied> outcomes = new ArrayList<>();
            for (String id : targetIds) {
                List<ConsumerRecord<String, byte[]>> records = patches.awaitKey("mid-run/" + id, 1);
                // At-least-once on the wire: a re-sent outcome carries the same event id, downstream dedups it.
                assertThat(records.stream().map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct())
                        .as("outcome events of %s", id).hasSize(1);
                PatchApplied applied = Records.CODEC.decode(records.get(0)).as(PatchApplied.class).data();
                assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
                assertThat(applied.outputTail()).isEqualTo("patched " + id);
                outcomes.add(applied);
                assertThat(Files.readAllLines(invocations.resolve(id))).as("executions of %s", id)
                        .containsExactly("mid-run");
            }
            assertThat(outcomes).as("children that outlived the killed runner were adopted")
                    .anySatisfy(a -> assertThat(a.details()).containsKey("adopted"));
            // Later deliveries (the restarted consumer re-reads backups the killed one had not committed) only
            // re-send the recorded outcome: still one event id.
            assertThat(patches.keyAfter("mid-run/node-01", Duration.ofSeconds(3)).stream()
                    .map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct()).hasSize(1);
            assertThat(second.isAlive()).isTrue();
        }
    }

    private static long invocationFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private Process start(LocalStack stack, String name, String... extraProperties) throws IOException {
        Path jar = Path.of(System.getProperty("quarkus-run.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("package the module first (mvn verify)").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        stack.serviceProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        int port = freePort();
        command.add("-Dquarkus.http.port=" + port);
        // Short leases and sweeps, so that the killed runner's claim expires within the test.
        command.add("-Dpatchflow.runner.lease-grace=1s");
        command.add("-Dpatchflow.runner.lease-check-interval=1s");
        command.add("-Dpatchflow.runner.poll-interval=200ms");
        command.addAll(List.of(extraProperties));
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "packaged-runner-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        services.add(process);
        ports.put(process, port);
        return process;
    }

    private void awaitReady(Process service, String name) {
        HttpClient http = HttpClient.newHttpClient();
        int port = ports.get(service);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(service.isAlive()).as("runner exited, see target/packaged-runner-" + name + ".log").isTrue();
            return status(http, port, "/q/health/ready") == 200;
        });
    }

    private static int status(HttpClient http, int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
