package dev.patchflow.validator.adapters.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.config.ValidatorConfig;
import dev.patchflow.validator.domain.CheckTimeouts;
import dev.patchflow.validator.domain.HealthCheck;
import dev.patchflow.validator.domain.TargetEnvironment;
import dev.patchflow.validator.domain.ValidationInterruptedException;

/**
 * {@code command}: runs argv (no shell) like the process executor does (same working directory and
 * {@code PATCHFLOW_*} environment); exit code 0 passes. A failure names the exit code and the last
 * line of the merged output, which is where scripts usually say what is wrong.
 */
@Singleton
public class CommandCheck implements HealthCheck {

    /** Only the end of the output matters for the detail; never read a huge log whole. */
    private static final int TAIL_BYTES = 16 * 1024;
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    private final Duration defaultTimeout;

    @Inject
    public CommandCheck(ValidatorConfig config) {
        this(config.defaultTimeout());
    }

    public CommandCheck(Duration defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
    }

    @Override
    public String type() {
        return CheckSpec.COMMAND;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        if (spec.command().isEmpty()) {
            return failed(spec, "no command given");
        }
        ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectErrorStream(true);
        if (Target.KIND_DIRECTORY.equals(target.kind()) && target.installPath() != null) {
            Path folder = Path.of(target.installPath());
            if (!Files.isDirectory(folder)) {
                return failed(spec, "install folder " + folder + " does not exist");
            }
            builder.directory(folder.toFile());
        }
        builder.environment().putAll(TargetEnvironment.of(run, target));
        Duration timeout = CheckTimeouts.of(spec, defaultTimeout);
        Path output = null;
        try {
            // A file, not a pipe: a chatty command can never block on a full pipe buffer.
            output = Files.createTempFile("patchflow-check-", ".log");
            builder.redirectOutput(output.toFile());
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                return failed(spec, "cannot start " + spec.command().get(0) + ": " + e.getMessage());
            }
            // No input: a check that reads stdin gets end-of-file instead of hanging until the timeout.
            process.getOutputStream().close();
            if (!waitFor(process, timeout)) {
                return failed(spec, CheckTimeouts.timedOut(timeout));
            }
            int exitCode = process.exitValue();
            String last = lastLine(output);
            String detail = "exit code " + exitCode + (last.isEmpty() ? "" : ": " + last);
            return new CheckResult(spec.name(), spec.type(), exitCode == 0, detail);
        } catch (IOException e) {
            return failed(spec, "cannot run " + spec.command().get(0) + ": " + e.getMessage());
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Waits up to the timeout; on timeout or interruption kills the command and everything it started. */
    private static boolean waitFor(Process process, Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            kill(process);
            return false;
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ValidationInterruptedException("interrupted while running a command check", e);
        }
    }

    /**
     * Snapshot the descendants, kill the command itself first, then the rest: killing a child first
     * lets a shell run its next statement before it dies, and after the shell dies its children are
     * re-parented and no longer listed.
     */
    private static void kill(Process process) {
        var descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        // A process acts on SIGKILL when it next runs, which on a busy machine can be after this returns: wait a
        // little for the command to be gone, so that a check reported killed has no command left running.
        boolean interrupted = Thread.interrupted();
        try {
            process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String lastLine(Path output) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
            long length = file.length();
            long start = Math.max(0, length - TAIL_BYTES);
            byte[] tail = new byte[(int) (length - start)];
            file.seek(start);
            file.readFully(tail);
            String[] lines = new String(tail, StandardCharsets.UTF_8).split("\\R");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) {
                    return lines[i].strip();
                }
            }
            return "";
        }
    }

    private static CheckResult failed(CheckSpec spec, String detail) {
        return new CheckResult(spec.name(), spec.type(), false, detail);
    }
}
