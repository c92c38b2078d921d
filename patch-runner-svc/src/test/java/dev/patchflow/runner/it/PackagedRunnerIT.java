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
 * middle of a patch.
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
    void aRunnerKilledInTheMiddleOfAPatchResumesTheTargetAfterRestartAndReportsItOnce() throws Exception {
        LocalStack stack = localStack.stack();
        Process first = start(stack, "first");
        awaitReady(first, "first");

        Path install = Files.createDirectories(dir.resolve("fleet/app-01"));
        Path invocations = dir.resolve("invocations.log");
        Path marker = dir.resolve("first-attempt-started");
        // First attempt: marks itself and takes long enough to be killed with the runner; the second finishes.
        String script = "echo attempt >> '" + invocations + "'; if [ -f '" + marker + "' ]; then echo resumed; "
                + "else touch '" + marker + "'; sleep 4; echo first-attempt-finished; fi";
        PatchSpec patch = new PatchSpec("demo-app", "2.0.0", "process", List.of("sh", "-c", script), 5, Map.of());
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
            assertThat(applied.outputTail()).isEqualTo("resumed");
            assertThat(Files.readAllLines(invocations)).containsExactly("attempt", "attempt");
            assertThat(patches.keyAfter("packaged-run/app-01", Duration.ofSeconds(3))).hasSize(1);
            assertThat(second.isAlive()).isTrue();
        }
    }

    private Process start(LocalStack stack, String name) throws IOException {
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
