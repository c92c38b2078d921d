package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code patchctl} a launcher runs (the demo's {@code request --follow}) ends with the launcher, however the
 * launcher ends. Here patchctl follows a run on a report-svc that is not there, so on its own it would retry for
 * two minutes; the launcher is stopped or killed while it does.
 */
class PatchctlChildIT {

    /** patchctl's own retrying would outlast this by far: gone sooner, it was stopped. */
    private static final String UNREACHABLE_FOR = "120s";
    /** ParentWatchAgent's graceful exit, with its halt after 15 s as the bound. */
    private static final Duration GONE_WITHIN = Duration.ofSeconds(20);

    private Process launcher;
    private ProcessHandle patchctl;

    @AfterEach
    void cleanUp() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        if (patchctl != null) {
            patchctl.destroyForcibly();
        }
    }

    @Test
    void aLauncherKilledWithSigkillTakesItsPatchctlAlong() throws Exception {
        startLauncherRunningPatchctl();

        launcher.destroyForcibly(); // SIGKILL: no shutdown hook runs
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> assertThat(patchctl.isAlive()).as("patchctl after its launcher's kill -9").isFalse());
    }

    @Test
    void aLauncherStoppedWithSigtermStopsItsPatchctlAndSaysNothingAboutIt() throws Exception {
        CompletableFuture<String> output = startLauncherRunningPatchctl();

        // SIGTERM through the handle: Process.destroy() would also close our end of its output, and what it prints
        // while it stops is what this test reads.
        launcher.toHandle().destroy();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();

        await().atMost(GONE_WITHIN).pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () -> assertThat(patchctl.isAlive()).as("patchctl after its launcher's SIGTERM").isFalse());
        // The launcher went on neither with patchctl's exit code nor with an exception, while its hooks ran.
        assertThat(output.get(30, TimeUnit.SECONDS)).doesNotContain("EXIT").doesNotContain("Exception in thread");
    }

    /** Starts the launcher and waits until its patchctl is retrying; returns all the launcher will print. */
    private CompletableFuture<String> startLauncherRunningPatchctl() throws IOException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-Dpatchflow.home=" + LauncherMain.home(), "-cp",
                System.getProperty("java.class.path"), PatchctlInChildJvm.class.getName(),
                "http://127.0.0.1:" + closedPort(), UNREACHABLE_FOR);
        launcher = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = launcher.getInputStream()) {
                byte[] buffer = new byte[4096];
                for (int n; (n = in.read(buffer)) >= 0;) {
                    String chunk = new String(buffer, 0, n, StandardCharsets.UTF_8);
                    System.out.print(chunk);
                    synchronized (seen) {
                        seen.append(chunk);
                    }
                }
            } catch (IOException e) {
                // the launcher is gone
            }
            synchronized (seen) {
                return seen.toString();
            }
        });
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            synchronized (seen) {
                assertThat(seen.toString()).as("patchctl retrying").contains("retrying for up to");
            }
        });
        Optional<ProcessHandle> child = launcher.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("patchctl/target/quarkus-app")).findFirst();
        assertThat(child).as("the launcher's patchctl").isPresent();
        patchctl = child.get();
        return output;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
