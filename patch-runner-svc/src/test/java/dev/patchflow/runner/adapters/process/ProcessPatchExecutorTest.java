package dev.patchflow.runner.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

class ProcessPatchExecutorTest {

    @TempDir
    Path dir;

    private ExecutionResult run(List<String> command, Target target, boolean dryRun, Duration timeout) {
        RunContext run = Fixtures.run("run-1", Fixtures.patch("demo-app", "1.1.0", "process", command, null), dryRun,
                Phases.ALL, null);
        Path workDir = dir.resolve("service-work");
        workDir.toFile().mkdirs();
        return new ProcessPatchExecutor(workDir)
                .execute(new ExecutionRequest(run, target, dryRun, timeout, dir.resolve("output.log")));
    }

    private List<String> output() throws IOException {
        return Files.readAllLines(dir.resolve("output.log"));
    }

    @Test
    void exportsThePatchflowEnvironmentOnTopOfTheParentOne() throws IOException {
        ExecutionResult result = run(List.of("env"), Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(output()).contains("PATCHFLOW_RUN_ID=run-1", "PATCHFLOW_TARGET_ID=db-7",
                "PATCHFLOW_TARGET_NAME=db-7-name", "PATCHFLOW_TARGET_KIND=static",
                "PATCHFLOW_TARGET_ADDRESS=10.0.0.7", "PATCHFLOW_ENVIRONMENT=dev", "PATCHFLOW_LANDING_ZONE=lz-dev-a",
                "PATCHFLOW_PLATFORM=linux", "PATCHFLOW_ARCH=x86_64", "PATCHFLOW_INSTALL_PATH=",
                "PATCHFLOW_INSTALLED_VERSION=1.0.0", "PATCHFLOW_PATCH_ID=demo-app", "PATCHFLOW_PATCH_VERSION=1.1.0",
                "PATCHFLOW_DRY_RUN=false", "PATCHFLOW_LABEL_APP_TIER=web", "PATH=" + System.getenv("PATH"));
    }

    @Test
    void appendsDryRunToTheArgvAndSaysSoInTheEnvironmentInADryRun() throws IOException {
        ExecutionResult result = run(
                List.of("sh", "-c", "printf 'arg:%s\\n' \"$@\"; echo \"dry=$PATCHFLOW_DRY_RUN\"", "sh", "first"),
                Fixtures.staticTarget("db-7"), true, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isTrue();
        assertThat(output()).containsExactly("arg:first", "arg:--dry-run", "dry=true");
    }

    @Test
    void passesArgumentsVerbatimWithoutAShell() throws IOException {
        ExecutionResult result = run(List.of("printf", "%s|", "a b", "$HOME", "*"), Fixtures.staticTarget("db-7"),
                false, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isTrue();
        assertThat(output()).containsExactly("a b|$HOME|*|");
    }

    @Test
    void runsInTheInstallFolderOfADirectoryTargetAndElsewhereInTheServiceWorkDir() throws IOException {
        Path install = Files.createDirectories(dir.resolve("fleet/app-01"));

        run(List.of("pwd"), Fixtures.directoryTarget("app-01", install.toString()), false, Duration.ofSeconds(30));
        assertThat(output()).containsExactly(install.toRealPath().toString());

        run(List.of("pwd"), Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(30));
        assertThat(output()).containsExactly(dir.resolve("service-work").toRealPath().toString());
    }

    @Test
    void nonZeroExitIsAFailureWithTheExitCodeAndMergedOutput() throws IOException {
        ExecutionResult result = run(List.of("sh", "-c", "echo step one; echo 'error: disk full' >&2; exit 3"),
                Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.failureReason()).isEqualTo("patch command exited with 3");
        assertThat(output()).containsExactly("step one", "error: disk full");
    }

    @Test
    void timeoutKillsTheWholeProcessTreeAndFails() throws IOException {
        Path pidFile = dir.resolve("child.pid");
        long started = System.nanoTime();

        ExecutionResult result = run(List.of("sh", "-c", "sleep 300 & echo $! > " + pidFile + "; wait"),
                Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(1));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).isEqualTo("timed out after 1s");
        assertThat(result.exitCode()).isNull();
        long childPid = Long.parseLong(Files.readString(pidFile).trim());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void aProgramThatDoesNotExistIsAFailureNamingIt() {
        ExecutionResult result = run(List.of("/nonexistent/patch-tool"), Fixtures.staticTarget("db-7"), false,
                Duration.ofSeconds(30));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).startsWith("cannot start /nonexistent/patch-tool");
    }

    @Test
    void aMissingInstallFolderIsAFailureAndNothingRuns() {
        Path missing = dir.resolve("fleet/gone");

        ExecutionResult result = run(List.of("sh", "-c", "touch ran"), Fixtures.directoryTarget("gone",
                missing.toString()), false, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).isEqualTo("install folder " + missing + " does not exist");
    }

    @Test
    void anEmptyCommandIsAFailure() {
        ExecutionResult result = run(List.of(), Fixtures.staticTarget("db-7"), false, Duration.ofSeconds(30));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).contains("patch.command is empty");
    }

    @Test
    void labelKeysBecomeUpperCaseVariableNames() {
        assertThat(ProcessPatchExecutor.labelVariable("app.kubernetes.io/name"))
                .isEqualTo("PATCHFLOW_LABEL_APP_KUBERNETES_IO_NAME");
        assertThat(ProcessPatchExecutor.labelVariable("tier")).isEqualTo("PATCHFLOW_LABEL_TIER");
    }
}
