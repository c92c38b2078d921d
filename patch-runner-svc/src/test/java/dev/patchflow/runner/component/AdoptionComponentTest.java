package dev.patchflow.runner.component;

import static dev.patchflow.runner.component.ClusterLockSupport.awaitOutcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;

import dev.patchflow.runner.domain.AdoptionStore;
import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.runner.support.ComponentProfile;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * A runner that restarts after a crash finds the state its predecessor left in MongoDB (a RUNNING target of its
 * instance id, with a recorded child) and adopts the child with the real process executor instead of executing
 * the patch again.
 */
@QuarkusTest
@TestProfile(ComponentProfile.class)
class AdoptionComponentTest {

    private static final String DEAD_RUNNER = "runner-before-restart";

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    RunTargetStore store;

    @Inject
    AdoptionStore adoption;

    @TempDir
    Path dir;

    private InMemorySink<byte[]> patches;
    private Process child;

    @BeforeEach
    void channels() {
        patches = connector.sink(Topics.PATCHES);
    }

    @AfterEach
    void killChild() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    /** What a killed runner leaves: its claim, and the child it recorded before releasing it. */
    private RunContext crashedMidPatch(String targetId, String childScript) throws Exception {
        Path invocations = dir.resolve("invocations");
        Path output = dir.resolve("output.log");
        Path exitFile = dir.resolve("output.log.exit");
        // Run again, this command would add a second line to the invocation file.
        PatchSpec patch = new PatchSpec("demo-app", "4.0." + UUID.randomUUID(), "process",
                List.of("sh", "-c", "echo run >> '" + invocations + "'; echo executed-again"), 30, Map.of());
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        Target target = Fixtures.staticTarget(targetId);
        Instant now = Instant.now();
        String id = RunTarget.idOf(run.runId(), targetId);
        // Queued for later (so that this runner leaves it alone), then claimed by the runner that is about to die.
        store.insertIfAbsent(new RunTarget(id, run.runId(), targetId, TargetState.READY, run, target, null, false,
                null, null, now, now.plusSeconds(3600), null));
        assertThat(store.claim(id, DEAD_RUNNER, now.plusSeconds(3600))).isPresent();
        child = new ProcessBuilder("sh", "-c", "echo run >> '" + invocations + "'; " + childScript
                .replace("EXIT", "'" + exitFile + "'")).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        adoption.recordChild(id,
                // A child that already ended has no start time left to read; its pid is gone, any time will do.
                new ChildProcess(child.pid(), child.info().startInstant().orElseGet(Instant::now), output.toString(),
                        exitFile.toString()),
                now);
        return run;
    }

    @Test
    void aRestartedRunnerWaitsForItsLiveChildAndReportsItsOutcomeWithoutExecutingAgain() throws Exception {
        RunContext run = crashedMidPatch("app-live", "sleep 2; echo patched-by-the-first-runner; echo 0 > EXIT");

        // What DispatcherLifecycle does when the runner of that instance id starts again.
        assertThat(adoption.releaseClaimsOf(DEAD_RUNNER, Instant.now())).isEqualTo(1);

        CloudEvent<?> outcome = awaitOutcomes(patches, run.runId() + "/app-live").get(0);
        assertThat(child.isAlive()).isFalse();
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(a.outputTail()).isEqualTo("patched-by-the-first-runner");
            assertThat(a.details()).containsKey("adopted").containsEntry("lock", "target:app-live");
        });
        assertThat(Files.readAllLines(dir.resolve("invocations"))).containsExactly("run");
    }

    @Test
    void aChildThatFinishedWhileNoRunnerWasUpIsReportedFromItsExitFile() throws Exception {
        RunContext run = crashedMidPatch("app-done", "echo failed-while-runner-down; echo 4 > EXIT; exit 4");
        child.waitFor();

        adoption.releaseClaimsOf(DEAD_RUNNER, Instant.now());

        CloudEvent<?> outcome = awaitOutcomes(patches, run.runId() + "/app-done").get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchFailed.class, f -> {
            assertThat(f.reason()).isEqualTo("patch command exited with 4");
            assertThat(f.exitCode()).isEqualTo(4);
            assertThat(f.outputTail()).isEqualTo("failed-while-runner-down");
        });
        assertThat(Files.readAllLines(dir.resolve("invocations"))).containsExactly("run");
    }

    @Test
    void aChildGoneWithoutAnExitCodeIsExecutedAgain() throws Exception {
        RunContext run = crashedMidPatch("app-lost", "sleep 30");
        // Killed once it has really started (its own line is written), not before the shell ran at all.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("invocations"))
                && Files.readAllLines(dir.resolve("invocations")).size() == 1);
        child.destroyForcibly().waitFor();

        adoption.releaseClaimsOf(DEAD_RUNNER, Instant.now());

        CloudEvent<?> outcome = awaitOutcomes(patches, run.runId() + "/app-lost").get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.outputTail()).isEqualTo("executed-again");
            assertThat(a.details()).doesNotContainKey("adopted");
        });
        assertThat(Files.readAllLines(dir.resolve("invocations"))).containsExactly("run", "run");
    }
}
