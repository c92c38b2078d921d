package dev.patchflow.runner.adapters.process;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code process} executor: runs {@code patch.command} as a local process (argv, no shell), in the
 * target's install folder (directory targets) or the runner's working directory, with the
 * {@code PATCHFLOW_*} environment of PIPELINE-SEMANTICS.md; {@code --dry-run} is appended in a dry run.
 * stdout and stderr go, merged, to the request's output file. Exit code 0 means applied. On timeout the
 * whole process tree is killed, so that a patch script's children cannot keep changing the target.
 */
@ApplicationScoped
public class ProcessPatchExecutor implements PatchExecutor {

    private static final Logger LOG = Logger.getLogger(ProcessPatchExecutor.class);

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
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(request.output().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        builder.environment().putAll(environment(request));
        Map<String, String> details = Map.of("workDir", workDir.toString());

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return ExecutionResult.failure("cannot start " + argv.get(0) + ": " + e.getMessage(), null,
                    elapsed(started), details);
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
        int exitCode = process.exitValue();
        if (exitCode == 0) {
            return ExecutionResult.success(0, elapsed(started), details);
        }
        return ExecutionResult.failure("patch command exited with " + exitCode, exitCode, elapsed(started), details);
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
        return env;
    }

    /** {@code PATCHFLOW_LABEL_<KEY>}: key upper-cased, every non-alphanumeric character an underscore. */
    public static String labelVariable(String key) {
        return "PATCHFLOW_LABEL_" + key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Children first: once the parent is gone they are re-parented and no longer its descendants. */
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

    private static File nullDevice() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
