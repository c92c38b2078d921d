package dev.patchflow.runner.adapters.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.AdoptableExecutor;
import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.StartNotRecordedException;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code process} executor: runs {@code patch.command} as a local process (argv, no shell), in the
 * target's install folder (directory targets) or the runner's working directory, with the
 * {@code PATCHFLOW_*} environment of PIPELINE-SEMANTICS.md; {@code --dry-run} is appended in a dry run.
 * stdout and stderr go, merged, to the request's output file. Exit code 0 means applied. On timeout the
 * whole process tree is killed, so that a patch script's children cannot keep changing the target.
 * <p>
 * Adoptable: the command is started through a small {@code /bin/sh} launcher that survives the runner, records
 * the command's exit code in {@code <output>.exit}, and only starts the command once the runner has recorded
 * the child (pid, start time, files). A restarted runner waits for a live child or reads the exit file of a
 * finished one ({@link #adopt}) instead of running the patch a second time.
 */
@ApplicationScoped
public class ProcessPatchExecutor implements AdoptableExecutor {

    private static final Logger LOG = Logger.getLogger(ProcessPatchExecutor.class);

    private static final String SHELL = "/bin/sh";
    /**
     * Runs the command ({@code "$@"}, argv untouched) so that it outlives the runner and records its own exit
     * code: it waits for "go" on stdin, which the runner sends only after the child is recorded, so a child
     * that the runner could not record (or that lost its runner first) exits without running anything. The
     * exit code is written with the shell's built-in {@code printf}, one write of a few bytes, and read only once
     * the launcher is gone: a reader finds the whole line or, when the launcher was killed between creating the
     * file and writing it, an incomplete one, which counts as no exit code ({@link #recordedExitCode}). No
     * temporary file renamed with {@code mv}: that was a third process for every target, 1.5 ms of CPU and of wall
     * time each here, for a guarantee the line ending gives as well.
     */
    private static final String LAUNCHER = "exit_file=$1; shift; IFS= read -r go || exit 125; "
            + "[ \"$go\" = go ] || exit 125; \"$@\" </dev/null; code=$?; "
            + "printf '%s\\n' \"$code\" > \"$exit_file\"; exit $code";
    private static final Pattern EXIT_LINE = Pattern.compile("(\\d{1,3})\n");
    private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration START_TOLERANCE = Duration.ofSeconds(1);

    public static final String DRY_RUN_FLAG = "--dry-run";

    private final Path defaultWorkDir;

    @Inject
    public ProcessPatchExecutor(RunnerSettings settings) {
        this(settings.workDir());
    }

    public ProcessPatchExecutor(Path defaultWorkDir) {
        this.defaultWorkDir = defaultWorkDir;
    }

    @Override
    public String name() {
        return PatchSpec.EXECUTOR_PROCESS;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        long started = System.nanoTime();
        List<String> argv = new ArrayList<>(request.patch().command());
        if (argv.isEmpty()) {
            return ExecutionResult.failure("patch.command is empty: the process executor needs a program to run",
                    null, elapsed(started), Map.of());
        }
        if (request.dryRun()) {
            argv.add(DRY_RUN_FLAG);
        }
        Path workDir = workingDirectory(request.target());
        if (!Files.isDirectory(workDir)) {
            return ExecutionResult.failure("install folder " + workDir + " does not exist", null, elapsed(started),
                    Map.of());
        }
        Optional<String> missing = missingProgram(argv.get(0), workDir);
        if (missing.isPresent()) {
            return ExecutionResult.failure("cannot start " + argv.get(0) + ": " + missing.get(), null,
                    elapsed(started), Map.of());
        }
        Path exitFile = exitFileOf(request.output());
        try {
            Files.deleteIfExists(exitFile);
        } catch (IOException e) {
            return ExecutionResult.failure("cannot prepare " + exitFile + ": " + e.getMessage(), null,
                    elapsed(started), Map.of());
        }
        List<String> launch = new ArrayList<>(List.of(SHELL, "-c", LAUNCHER, "patchflow-launch", exitFile.toString()));
        launch.addAll(argv);
        // stdin stays a pipe: the launcher waits for "go" on it (see LAUNCHER).
        ProcessBuilder builder = new ProcessBuilder(launch).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(request.output().toFile()));
        builder.environment().putAll(environment(request));
        Map<String, String> details = Map.of("workDir", workDir.toString());

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ExecutionResult.failure("cannot start " + argv.get(0) + ": " + e.getMessage(), null,
                    elapsed(started), details);
        }
        ChildProcess child = new ChildProcess(process.pid(), process.info().startInstant().orElse(null),
                request.output().toString(), exitFile.toString());
        try {
            request.onChildStarted().accept(child);
        } catch (RuntimeException e) {
            // Not recorded = not adoptable: it must not run. Closing stdin without "go" makes it exit unrun; the
            // target is executed again later (the record failed on a dependency, not on the patch).
            closeQuietly(process);
            killTree(process);
            throw new StartNotRecordedException("cannot record the started process: " + e.getMessage(), e);
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(GO);
        } catch (IOException e) {
            // The launcher is already gone (killed): its exit status below tells what happened.
            LOG.debugf("cannot release process %d: %s", process.pid(), e.getMessage());
        }
        Duration timeout = request.timeout();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                return ExecutionResult.failure("timed out after " + timeout.toSeconds() + "s", null, elapsed(started),
                        details);
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            return ExecutionResult.failure("interrupted (the runner is stopping)", null, elapsed(started), details);
        }
        return result(process.exitValue(), elapsed(started), details);
    }

    @Override
    public Optional<ExecutionResult> adopt(ExecutionRequest request, ChildProcess child) {
        Map<String, String> details = Map.of("adoptedPid", Long.toString(child.pid()));
        Optional<ProcessHandle> alive = ProcessHandle.of(child.pid()).filter(ProcessHandle::isAlive)
                .filter(h -> sameProcess(h, child));
        if (alive.isPresent()) {
            // The timeout runs from the child's start, as if the runner had never died.
            Instant deadline = (child.processStart() == null ? Instant.now() : child.processStart())
                    .plus(request.timeout());
            long remaining = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            LOG.infof("adopting process %d of %s/%s; waiting up to %d ms", child.pid(), request.run().runId(),
                    request.target().id(), remaining);
            try {
                alive.get().onExit().get(remaining, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                alive.get().descendants().forEach(ProcessHandle::destroyForcibly);
                alive.get().destroyForcibly();
                return Optional.of(ExecutionResult.failure("timed out after " + request.timeout().toSeconds() + "s",
                        null, since(child), details));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(ExecutionResult.failure("interrupted (the runner is stopping)", null,
                        since(child), details));
            } catch (ExecutionException e) {
                throw new IllegalStateException("waiting for process " + child.pid() + " failed", e);
            }
        }
        // Gone without recording an exit code (it never got "go", or it was killed): not adopted.
        return recordedExitCode(Path.of(child.exitFile())).map(code -> result(code, since(child), details));
    }

    /** The exit code a finished launcher wrote: a whole line of digits, else none. */
    static Optional<Integer> recordedExitCode(Path exitFile) {
        String content;
        try {
            content = Files.readString(exitFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the exit code in " + exitFile + ": " + e.getMessage(), e);
        }
        Matcher line = EXIT_LINE.matcher(content);
        if (line.matches()) {
            return Optional.of(Integer.parseInt(line.group(1)));
        }
        if (!content.isEmpty()) {
            LOG.warnf("%s holds %d bytes that are not an exit code; taken as none", exitFile, content.length());
        }
        return Optional.empty();
    }

    /** Where the launcher of {@code output}'s process writes the exit code. */
    public static Path exitFileOf(Path output) {
        return Path.of(output + ".exit");
    }

    private static ExecutionResult result(int exitCode, Duration duration, Map<String, String> details) {
        if (exitCode == 0) {
            return ExecutionResult.success(0, duration, details);
        }
        return ExecutionResult.failure("patch command exited with " + exitCode, exitCode, duration, details);
    }

    /** A pid can be reused: the recorded start time tells the child from a stranger. */
    private static boolean sameProcess(ProcessHandle handle, ChildProcess child) {
        Optional<Instant> start = handle.info().startInstant();
        if (child.processStart() == null || start.isEmpty()) {
            return true;
        }
        return Duration.between(start.get(), child.processStart()).abs().compareTo(START_TOLERANCE) <= 0;
    }

    private static Duration since(ChildProcess child) {
        return child.processStart() == null ? null : Duration.between(child.processStart(), Instant.now());
    }

    /** Why the program cannot be started, checked up front because the launcher shell would only say 127. */
    private static Optional<String> missingProgram(String program, Path workDir) {
        if (program.contains("/")) {
            Path path = workDir.resolve(program);
            return Files.isExecutable(path)
                    ? Optional.empty()
                    : Optional.of("no executable file " + path);
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return Optional.empty();
            }
        }
        return Optional.of("not found on PATH");
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            LOG.debugf("cannot close stdin of %d: %s", process.pid(), e.getMessage());
        }
    }

    /** {@code patch.parameters.stepDownCommand}: argv separated by whitespace, no shell. */
    public static final String STEP_DOWN_COMMAND = "stepDownCommand";

    /**
     * Runs the optional {@code stepDownCommand} of the patch (same working directory and environment as the
     * patch, output appended to the target's output) before a cluster primary is patched. Absent: nothing to
     * do. In a dry run it is not executed.
     */
    @Override
    public String stepDown(ExecutionRequest request) {
        String command = request.patch().parameters().get(STEP_DOWN_COMMAND);
        if (command == null || command.isBlank() || request.dryRun()) {
            return null;
        }
        List<String> argv = List.of(command.trim().split("\\s+"));
        Path workDir = workingDirectory(request.target());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(request.output().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(environment(request));
        try {
            Process process = builder.start();
            // Short and synchronous, unlike the patch: a runner that dies here re-runs it (stepping down twice is
            // harmless for the systems this is for), so it is not adopted.
            if (!process.waitFor(request.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                return "step-down command timed out after " + request.timeout().toSeconds() + "s";
            }
            return process.exitValue() == 0 ? null : "step-down command exited with " + process.exitValue();
        } catch (IOException e) {
            return "cannot start step-down command " + argv.get(0) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted (the runner is stopping)";
        }
    }

    /** The install folder of a directory target, otherwise the runner's working directory. */
    Path workingDirectory(Target target) {
        if (Target.KIND_DIRECTORY.equals(target.kind()) && target.installPath() != null
                && !target.installPath().isBlank()) {
            return Path.of(target.installPath());
        }
        return defaultWorkDir;
    }

    /** The variables added to the runner's own environment (absent values are empty strings). */
    public static Map<String, String> environment(ExecutionRequest request) {
        Target target = request.target();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATCHFLOW_RUN_ID", request.run().runId());
        env.put("PATCHFLOW_TARGET_ID", target.id());
        env.put("PATCHFLOW_TARGET_NAME", nullToEmpty(target.name()));
        env.put("PATCHFLOW_TARGET_KIND", nullToEmpty(target.kind()));
        env.put("PATCHFLOW_TARGET_ADDRESS", nullToEmpty(target.address()));
        env.put("PATCHFLOW_ENVIRONMENT", nullToEmpty(target.environment()));
        env.put("PATCHFLOW_LANDING_ZONE", nullToEmpty(target.landingZone()));
        env.put("PATCHFLOW_PLATFORM", nullToEmpty(target.platform()));
        env.put("PATCHFLOW_ARCH", nullToEmpty(target.arch()));
        env.put("PATCHFLOW_INSTALL_PATH", nullToEmpty(target.installPath()));
        env.put("PATCHFLOW_INSTALLED_VERSION", nullToEmpty(target.installedVersion()));
        env.put("PATCHFLOW_PATCH_ID", request.patch().id());
        env.put("PATCHFLOW_PATCH_VERSION", request.patch().version());
        env.put("PATCHFLOW_DRY_RUN", Boolean.toString(request.dryRun()));
        target.labels().forEach((key, value) -> env.put(labelVariable(key), nullToEmpty(value)));
        if (request.lock() != null) {
            // A system that can fence (remember the highest token seen) refuses a stale holder with these.
            env.put("PATCHFLOW_LOCK_NAME", request.lock().name());
            env.put("PATCHFLOW_LOCK_TOKEN", Long.toString(request.lock().token()));
        }
        return env;
    }

    /** {@code PATCHFLOW_LABEL_<KEY>}: key upper-cased, every non-alphanumeric character an underscore. */
    public static String labelVariable(String key) {
        return "PATCHFLOW_LABEL_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Children first: once the parent is gone they are re-parented and no longer its descendants. */
    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                LOG.warnf("process %d did not die within 10s of SIGKILL", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
