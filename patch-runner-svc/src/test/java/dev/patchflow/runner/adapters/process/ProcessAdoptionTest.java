package dev.patchflow.runner.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.StartNotRecordedException;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

/** The process executor's side of crash safety: the child is recorded before it works, and can be adopted. */
class ProcessAdoptionTest {

    @TempDir
    Path dir;

    private Process stranger;

    @AfterEach
    void killStranger() {
        if (stranger != null) {
            stranger.destroyForcibly();
        }
    }

    private ExecutionRequest request(List<String> command, java.util.function.Consumer<ChildProcess> onStart) {
        RunContext run = Fixtures.run("run-1", Fixtures.patch("demo-app", "1.1.0", "process", command, null), false,
                Phases.ALL, null);
        return new ExecutionRequest(run, Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(30),
                dir.resolve("output.log"), null, onStart);
    }

    private ProcessPatchExecutor executor() {
        return new ProcessPatchExecutor(dir);
    }

    /** A child as an earlier runner left it: started, recorded, then its runner died. */
    private ChildProcess recorded(Process process, Path exitFile) {
        // A process that already ended has no start time left to read; any will do, its pid is gone.
        return new ChildProcess(process.pid(), process.info().startInstant().orElseGet(java.time.Instant::now),
                dir.resolve("output.log").toString(), exitFile.toString());
    }

    @Test
    void theChildIsReportedBeforeTheCommandDoesAnything() {
        Path marker = dir.resolve("command-ran");
        AtomicReference<Boolean> ranBeforeRecorded = new AtomicReference<>();
        AtomicReference<ChildProcess> reported = new AtomicReference<>();

        ExecutionResult result = executor().execute(request(List.of("touch", marker.toString()), child -> {
            ranBeforeRecorded.set(Files.exists(marker));
            reported.set(child);
        }));

        assertThat(result.succeeded()).isTrue();
        assertThat(ranBeforeRecorded.get()).isFalse();
        assertThat(marker).exists();
        assertThat(reported.get().pid()).isPositive();
        assertThat(reported.get().processStart()).isNotNull();
        assertThat(reported.get().outputFile()).isEqualTo(dir.resolve("output.log").toString());
        assertThat(Path.of(reported.get().exitFile())).hasContent("0");
    }

    /**
     * Recording the child failed on MongoDB, not on the patch: the command never runs, and the executor reports
     * that nothing ran (to be executed again) instead of a failure of the target.
     */
    @Test
    void aChildThatCannotBeRecordedNeverRunsTheCommandAndIsNotAFailureOfThePatch() {
        Path marker = dir.resolve("command-ran");

        assertThatThrownBy(() -> executor().execute(request(List.of("touch", marker.toString()), child -> {
            throw new IllegalStateException("MongoDB is down");
        }))).isInstanceOf(StartNotRecordedException.class)
                .hasMessage("cannot record the started process: MongoDB is down");

        assertThat(marker).doesNotExist();
    }

    @Test
    void aLiveChildIsWaitedForAndItsRecordedExitCodeIsTheOutcome() throws IOException {
        Path exitFile = dir.resolve("output.log.exit");
        Path invocations = dir.resolve("invocations");
        stranger = new ProcessBuilder("sh", "-c",
                "echo run >> '" + invocations + "'; sleep 2; echo 3 > '" + exitFile + "'; exit 3").start();
        ChildProcess child = recorded(stranger, exitFile);
        long started = System.nanoTime();

        Optional<ExecutionResult> adopted = executor().adopt(request(List.of("false"), null), child);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(1000));
        assertThat(stranger.isAlive()).isFalse();
        assertThat(adopted).hasValueSatisfying(r -> {
            assertThat(r.succeeded()).isFalse();
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.failureReason()).isEqualTo("patch command exited with 3");
            assertThat(r.details()).containsEntry("adoptedPid", Long.toString(stranger.pid()));
        });
        assertThat(Files.readAllLines(invocations)).containsExactly("run");
    }

    @Test
    void aFinishedChildsExitCodeIsReadWithoutRunningTheCommandAgain() throws Exception {
        Path exitFile = dir.resolve("output.log.exit");
        Path invocations = dir.resolve("invocations");
        Process finished = new ProcessBuilder("sh", "-c", "echo run >> '" + invocations + "'; echo 0 > '" + exitFile
                + "'").start();
        ChildProcess child = recorded(finished, exitFile);
        finished.waitFor();

        Optional<ExecutionResult> adopted = executor()
                .adopt(request(List.of("sh", "-c", "echo run >> '" + invocations + "'"), null), child);

        assertThat(adopted).hasValueSatisfying(r -> {
            assertThat(r.succeeded()).isTrue();
            assertThat(r.exitCode()).isZero();
        });
        assertThat(Files.readAllLines(invocations)).containsExactly("run");
    }

    @Test
    void aChildGoneWithoutAnExitCodeIsNotAdoptedSoTheTargetRunsAgain() throws Exception {
        Process killed = new ProcessBuilder("sleep", "30").start();
        ChildProcess child = recorded(killed, dir.resolve("output.log.exit"));
        killed.destroyForcibly().waitFor();

        assertThat(executor().adopt(request(List.of("true"), null), child)).isEmpty();
    }

    @Test
    void anExitFileTheLauncherWasKilledBeforeWritingCountsAsNoExitCode() throws Exception {
        Process killed = new ProcessBuilder("sleep", "30").start();
        Path exitFile = dir.resolve("output.log.exit");
        Files.writeString(exitFile, "");
        ChildProcess child = recorded(killed, exitFile);
        killed.destroyForcibly().waitFor();

        assertThat(executor().adopt(request(List.of("true"), null), child)).isEmpty();
    }

    @Test
    void aReusedPidWithAnotherStartTimeIsNotTakenForTheChild() throws Exception {
        stranger = new ProcessBuilder("sleep", "30").start();
        Path exitFile = dir.resolve("output.log.exit");
        Files.writeString(exitFile, "0\n");
        ChildProcess child = new ChildProcess(stranger.pid(),
                stranger.info().startInstant().orElseThrow().minusSeconds(3600), dir.resolve("output.log").toString(),
                exitFile.toString());
        long started = System.nanoTime();

        Optional<ExecutionResult> adopted = executor().adopt(request(List.of("true"), null), child);

        // Not waited for: the process with that pid is a stranger; the recorded exit code is the outcome.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(stranger.isAlive()).isTrue();
        assertThat(adopted).hasValueSatisfying(r -> assertThat(r.succeeded()).isTrue());
    }
}
