package dev.patchflow.backup;

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
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;

/**
 * The packaged service started the way the launcher starts it: {@code java -jar quarkus-run.jar} with
 * {@code -D} properties from {@link LocalStack#serviceProperties()} and {@code -Dquarkus.http.port}.
 */
class PackagedServiceIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    private Process service;

    @AfterEach
    void stopService() throws InterruptedException {
        if (service != null) {
            service.destroy();
            service.waitFor();
        }
    }

    @Test
    void thePackagedJarBecomesReadyAndBacksUpAScannedTarget() throws Exception {
        LocalStack stack = localStack.stack();
        int port = freePort();
        service = start(stack, port);

        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(service.isAlive()).as("backup-svc exited, see target/packaged-backup-svc.log").isTrue();
            return readiness(http, port) == 200;
        });

        Path install = Files.createTempDirectory("packaged-");
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        InstanceScanned scanned = Fixtures.scanned("packaged-run", Fixtures.directoryTarget("app-01", install));
        EventCodec codec = new EventCodec();
        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS)) {
            backups.send(codec.toRecord(CloudEvent.of("/patchflow/scanner-svc", scanned)));

            BackupCompleted completed = codec.decode(backups.awaitKey("packaged-run/app-01", 1).get(0))
                    .as(BackupCompleted.class)
                    .data();
            assertThat(completed.status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(completed.location()).isEqualTo("s3://patchflow/backups/packaged-run/app-01.tar.gz");
            assertThat(stack.dataDir().resolve("s3/patchflow/backups/packaged-run/app-01.tar.gz"))
                    .hasSize(completed.sizeBytes());
        }
    }

    private static Process start(LocalStack stack, int port) throws IOException {
        Path jar = Path.of(System.getProperty("quarkus-run.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("package the module first (mvn verify)").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        stack.serviceProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "packaged-backup-svc.log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int readiness(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
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
