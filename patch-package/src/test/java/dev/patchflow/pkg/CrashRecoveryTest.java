package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.RecoveryResult;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * kill -9 of the applying process at a chosen point, then {@code recover()} in this JVM: the
 * install is entirely the old tree or entirely the new one, and recover says which.
 */
class CrashRecoveryTest {

    @TempDir
    Path tmp;
    Path install;
    Path work;
    Fixture fixture;
    Path manifestFile;
    Path publicKey;
    Map<String, String> oldTree;
    Map<String, String> newTree;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = tmp.resolve("work");
        fixture = new Fixture(tmp.resolve("repo"));
        ReleaseManifest manifest = fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());
        manifestFile = fixture.repo.resolve("manifest.json");
        ManifestCodec.write(manifestFile, manifest);
        publicKey = tmp.resolve("trusted.pub.pem");
        Files.writeString(publicKey, Ed25519Keys.toPem(fixture.key.getPublic()));
        oldTree = Trees.digest(install);
        // the expected new tree: the same package applied, uninterrupted, to a copy
        Path reference = tmp.resolve("reference");
        Trees.copy(install, reference);
        fixture.engine().apply(fixture.request(reference, tmp.resolve("work-ref"), manifest));
        newTree = Trees.digest(reference);
        assertThat(newTree).isNotEqualTo(oldTree);
    }

    /** Starts the apply in a child JVM and returns once it is parked at {@code pausePoint}. */
    private Process startParkedAt(String pausePoint) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ApplyInChildProcess.class.getName(), install.toString(),
                work.toString(), manifestFile.toString(), publicKey.toString(), pausePoint)
                .redirectErrorStream(true)
                .start();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null;) {
                    output.add(line);
                }
            } catch (Exception ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> output.contains("PAUSED") || !child.isAlive());
            assertThat(output).as("child output").contains("PAUSED");
        } catch (AssertionError | RuntimeException e) {
            kill(child);
            throw e;
        }
        return child;
    }

    private static void kill(Process child) throws InterruptedException {
        child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest(name = "killed at {0} → {1}")
    @CsvSource({"before:0, ROLLED_BACK", "after:0, ROLLED_BACK", "after:2, ROLLED_BACK", "after:4, ROLLED_BACK",
            "before:6, ROLLED_BACK", "after:6, ROLLED_BACK", "commit, COMPLETED"})
    void killedApplyIsRecoveredToTheOldOrTheNewTree(String pausePoint, RecoveryResult.Outcome expected)
            throws Exception {
        kill(startParkedAt(pausePoint));
        Map<String, String> atCrash = Trees.digest(install);
        if (!pausePoint.equals("before:0")) {
            assertThat(atCrash).as("the kill happened mid-apply").isNotEqualTo(oldTree);
        }

        RecoveryResult recovery = fixture.engine().recover(install, work);

        assertThat(recovery.outcome()).isEqualTo(expected);
        assertThat(Trees.digest(install)).isEqualTo(expected == RecoveryResult.Outcome.COMPLETED ? newTree : oldTree);
        assertThat(recovery.installedVersion())
                .isEqualTo(expected == RecoveryResult.Outcome.COMPLETED ? "1.1.0" : "1.0.0");
        // recovery is idempotent, and the engine is usable again
        assertThat(fixture.engine().recover(install, work).outcome()).isEqualTo(RecoveryResult.Outcome.NOTHING);
        ApplyResult again = fixture.engine()
                .apply(fixture.request(install, work, ManifestCodec.read(manifestFile)));
        assertThat(again.status()).isEqualTo(expected == RecoveryResult.Outcome.COMPLETED
                ? ApplyResult.Status.ALREADY_APPLIED
                : ApplyResult.Status.APPLIED);
        assertThat(Trees.digest(install)).isEqualTo(newTree);
    }

    @Test
    void recoveryRefusesToRollBackUnderALiveApply() throws Exception {
        Process child = startParkedAt("after:2");
        try {
            Map<String, String> midway = Trees.digest(install);
            assertThatThrownBy(() -> fixture.engine().recover(install, work))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another apply or recovery is running");
            assertThat(Trees.digest(install)).isEqualTo(midway);
        } finally {
            kill(child);
        }
        assertThat(fixture.engine().recover(install, work).outcome()).isEqualTo(RecoveryResult.Outcome.ROLLED_BACK);
        assertThat(Trees.digest(install)).isEqualTo(oldTree);
    }

    @Test
    void aJournalLineTornByTheKillIsIgnored() throws Exception {
        kill(startParkedAt("after:3"));
        Path journal;
        try (var s = Files.walk(work)) {
            journal = s.filter(p -> p.getFileName().toString().equals("journal.jsonl")).findFirst().orElseThrow();
        }
        Files.writeString(journal, "{\"type\":\"STEP\",\"n\":7,\"op\":\"DEL", java.nio.file.StandardOpenOption.APPEND);

        RecoveryResult recovery = fixture.engine().recover(install, work);

        assertThat(recovery.outcome()).isEqualTo(RecoveryResult.Outcome.ROLLED_BACK);
        assertThat(Trees.digest(install)).isEqualTo(oldTree);
    }
}
