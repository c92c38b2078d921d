package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnreachableKafkaTest {

    @TempDir
    Path fleet;

    @Test
    void exitsUnreachableNamingTheBootstrapAddressWithinTheKafkaTimeout() throws IOException {
        String bootstrap;
        try (ServerSocket socket = new ServerSocket(0)) {
            bootstrap = "127.0.0.1:" + socket.getLocalPort();
        }
        long started = System.nanoTime();

        CliRun run = CliRun.of("request", "--bootstrap-servers", bootstrap, "--kafka-timeout", "2s", "--inventory",
                fleet.toString(), "--patch-id", "demo-app", "--patch-version", "1.1.0", "--command", "true",
                "--follow");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("Kafka not reachable at " + bootstrap);
        assertThat(run.out()).as("no run id: nothing was published").isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void takesTheBootstrapAddressFromTheKafkaSystemPropertyWhenNoFlagIsGiven() throws IOException {
        String bootstrap;
        try (ServerSocket socket = new ServerSocket(0)) {
            bootstrap = "127.0.0.1:" + socket.getLocalPort();
        }
        System.setProperty("kafka.bootstrap.servers", bootstrap);
        try {
            CliRun run = CliRun.of("request", "--kafka-timeout", "1s", "--inventory", fleet.toString(), "--patch-id",
                    "demo-app", "--patch-version", "1.1.0", "--command", "true");

            assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
            assertThat(run.err()).contains("Kafka not reachable at " + bootstrap);
        } finally {
            System.clearProperty("kafka.bootstrap.servers");
        }
    }
}
