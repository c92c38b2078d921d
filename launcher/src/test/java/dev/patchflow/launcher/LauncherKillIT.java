package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the launcher takes everything it started with it (issue #13, point 7): the launcher
 * ({@link PatchflowSystem}, what {@code ./patchflow up} runs, in a JVM of its own) starts the stack and the five
 * services, and once they are all ready it is killed with SIGKILL, so no shutdown hook runs. Within a bounded time
 * every process it started (the five service JVMs and s3proxy) is gone and every port it held is free again. While
 * it runs, its data dir is its own: emptying its state ({@code demo --fresh} elsewhere) is refused; once it is
 * killed, it is not.
 */
class LauncherKillIT {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(6);
    private static final Duration GONE_WITHIN = Duration.ofSeconds(60);

    private Process launcher;
    private final List<ProcessHandle> children = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        // Whatever the test saw, leave nothing behind on a shared machine.
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void killingTheLauncherWithSigkillEndsEveryServiceAndS3ProxyAndFreesTheirPortsAndItsDataDir() throws Exception {
        Path home = LauncherMain.home();
        Path work = Files.createTempDirectory(Files.createDirectories(home.resolve("launcher/target")), "kill-");
        Path data = work.resolve("data");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-Dpatchflow.home=" + home, "-cp",
                System.getProperty("java.class.path"), SystemInChildJvm.class.getName(),
                data.toString());
        launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Integer> ports = new TreeMap<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(launcher.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null;) {
                    System.out.println("[launcher] " + line);
                    String[] parts = line.split(" ");
                    if (parts.length == 3 && parts[0].equals("PORT")) {
                        ports.put(parts[1], Integer.parseInt(parts[2]));
                    } else if (line.equals("READY")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the launcher is gone
            }
            ready.completeExceptionally(new IllegalStateException("the launcher exited before it was ready"));
        }, "launcher-output");
        reader.setDaemon(true);
        reader.start();
        ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        launcher.descendants().forEach(children::add);
        List<String> started = children.stream().map(LauncherKillIT::describe).toList();
        System.out.println("[kill-it] the launcher (pid " + launcher.pid() + ") started: " + started);
        assertThat(started).as("what the launcher started").hasSizeGreaterThanOrEqualTo(6)
                .anySatisfy(c -> assertThat(c).contains("S3ProxyChild"));
        for (String module : List.of("scanner-svc", "backup-svc", "patch-runner-svc", "validator-svc",
                "report-svc")) {
            assertThat(started).as(module).anySatisfy(c -> assertThat(c).contains(module + "/target/quarkus-app"));
        }
        assertThat(ports).containsKeys("kafka", "mongo", "s3", "scanner-svc", "report-svc").hasSize(8);

        // demo --fresh in a second terminal: refused while the launcher runs, its stack's state left as it is
        assertThatThrownBy(() -> PatchflowSystem.forgetState(data)).as("forgetting a running launcher's state")
                .hasMessageContaining("in use by another Patchflow run");
        assertThat(data.resolve(PatchflowSystem.STACK)).isNotEmptyDirectory();

        long killedAt = System.nanoTime();
        launcher.destroyForcibly(); // SIGKILL: no shutdown hook, nothing stopped gracefully
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                children.stream().filter(ProcessHandle::isAlive).map(LauncherKillIT::describe).toList())
                .as("processes still alive after the launcher's kill -9").isEmpty());
        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(
                ports.entrySet().stream().filter(p -> !free(p.getValue())).map(Map.Entry::getKey).toList())
                .as("ports still taken").isEmpty());
        // the operating system released the killed launcher's hold on the data dir
        PatchflowSystem.forgetState(data);
        assertThat(data.resolve(PatchflowSystem.STACK)).doesNotExist();
        System.out.printf("[kill-it] all %d children gone and %d ports free %d ms after kill -9%n", children.size(),
                ports.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
    }

    private static String describe(ProcessHandle process) {
        ProcessHandle.Info info = process.info();
        return process.pid() + " " + String.join(" ", info.arguments().orElse(new String[0]));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as a restarted launcher binds: a closed connection's TIME_WAIT does not hold the port
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
