package dev.patchflow.validator.adapters.process;

import static dev.patchflow.validator.testing.Fixtures.command;
import static dev.patchflow.validator.testing.Fixtures.directoryTarget;
import static dev.patchflow.validator.testing.Fixtures.run;
import static dev.patchflow.validator.testing.Fixtures.staticTarget;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.validator.domain.ValidationInterruptedException;

class CommandCheckTest {

    private final CommandCheck check = new CommandCheck(Duration.ofSeconds(20));
    private final RunContext run = run("r1", List.of());

    @TempDir
    Path install;

    @Test
    void passesOnExitCodeZeroAndReportsTheLastOutputLine() {
        CheckResult result = check.run(command("health", null, "sh", "-c", "echo starting; echo listening on 8080"),
                directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("health", "command", true, "exit code 0: listening on 8080"));
    }

    @Test
    void failsWithTheExitCodeAndTheLastLineOfMergedOutput() {
        CheckResult result = check.run(
                command("health", null, "sh", "-c", "echo checking; echo 'service not listening' >&2; exit 3"),
                directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("health", "command", false, "exit code 3: service not listening"));
    }

    @Test
    void failsWithOnlyTheExitCodeWhenTheCommandPrintsNothing() {
        CheckResult result = check.run(command("quiet", null, "sh", "-c", "exit 4"), directoryTarget("app-01", install),
                run);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("exit code 4");
    }

    @Test
    void killsTheCommandAndFailsWhenItOutlivesTheSpecTimeout() throws Exception {
        Path marker = install.resolve("still-running");
        long started = System.nanoTime();

        CheckResult result = check.run(command("slow", 1, "sh", "-c", "sleep 30; touch " + marker),
                directoryTarget("app-01", install), run);

        assertThat(result).isEqualTo(new CheckResult("slow", "command", false, "timed out after 1s"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(marker).doesNotExist();
    }

    @Test
    void anInterruptionKillsTheCommandAndReportsNoOutcome() throws Exception {
        Path marker = install.resolve("still-running");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                check.run(command("slow", 30, "sh", "-c", "sleep 30; touch " + marker),
                        directoryTarget("app-01", install),
                        run);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        worker.start();
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.current().descendants().anyMatch(p -> p.info().commandLine()
                        .map(line -> line.contains("sleep 30")).orElse(false)));

        worker.interrupt();
        worker.join(10_000);

        assertThat(thrown.get()).isInstanceOf(ValidationInterruptedException.class);
        assertThat(ProcessHandle.current().descendants().filter(p -> p.info().commandLine()
                .map(line -> line.contains(marker.toString())).orElse(false))).isEmpty();
        assertThat(marker).doesNotExist();
    }

    @Test
    void usesTheServiceDefaultTimeoutWhenTheSpecHasNone() {
        CommandCheck impatient = new CommandCheck(Duration.ofMillis(500));

        CheckResult result = impatient.run(command("slow", null, "sleep", "30"), directoryTarget("app-01", install),
                run);

        assertThat(result.detail()).isEqualTo("timed out after 500ms");
    }

    @Test
    void runsInTheInstallFolderWithTheTargetEnvironment() throws Exception {
        Files.writeString(install.resolve("marker.txt"), "here");

        CheckResult result = check.run(command("env", null, "sh", "-c",
                "test -f marker.txt && echo \"$PATCHFLOW_RUN_ID $PATCHFLOW_TARGET_ID $PATCHFLOW_PATCH_VERSION"
                        + " $PATCHFLOW_INSTALL_PATH $PATCHFLOW_LABEL_APP_TEAM $PATCHFLOW_DRY_RUN\""),
                directoryTarget("app-01", install), run);

        assertThat(result.detail())
                .isEqualTo("exit code 0: r1 app-01 1.1.0 " + install.toAbsolutePath() + " core false");
    }

    @Test
    void runsStaticTargetsInTheServiceWorkingDirectory() {
        CheckResult result = check.run(command("pwd", null, "pwd"), staticTarget("web-01", "10.0.0.5"), run);

        assertThat(result.detail()).isEqualTo("exit code 0: " + Path.of("").toAbsolutePath());
    }

    @Test
    void failsWhenTheProgramDoesNotExist() {
        CheckResult result = check.run(command("missing", null, "/no/such/program"), staticTarget("web-01", null), run);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("cannot start /no/such/program: ");
    }

    @Test
    void failsWhenTheInstallFolderIsGone() {
        Path gone = install.resolve("gone");

        CheckResult result = check.run(command("health", null, "true"), directoryTarget("app-01", gone), run);

        assertThat(result.detail()).isEqualTo("install folder " + gone.toAbsolutePath() + " does not exist");
    }

    @Test
    void failsWhenNoCommandIsGiven() {
        CheckResult result = check.run(command("empty", null), staticTarget("web-01", null), run);

        assertThat(result).isEqualTo(new CheckResult("empty", "command", false, "no command given"));
    }

    @Test
    void aCommandReadingStdinSeesEndOfFileInsteadOfHanging() {
        CheckResult result = check.run(command("stdin", 5, "cat"), staticTarget("web-01", null), run);

        assertThat(result).isEqualTo(new CheckResult("stdin", "command", true, "exit code 0"));
    }
}
