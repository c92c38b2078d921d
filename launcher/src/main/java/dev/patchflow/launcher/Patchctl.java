package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.patchflow.localstack.ParentWatchAgent;

/**
 * Runs the packaged {@code patchctl} CLI as a user would, as a child process, which never outlives this JVM: stopped
 * (SIGTERM) or killed ({@code kill -9}), the launcher takes it along. Otherwise a {@code patchctl … --follow} left
 * behind kept asking the stopped report-svc for 30 s and then printed that it was unreachable.
 */
public final class Patchctl {

    private final Path jar;

    public Patchctl(Path home) {
        this.jar = home.resolve("patchctl/target/quarkus-app/quarkus-run.jar");
    }

    /** Runs {@code patchctl args…}, its output on this terminal; returns its exit code. */
    public int run(List<String> args) throws IOException, InterruptedException {
        return run(args, null);
    }

    /**
     * As {@link #run(List)}, with a bearer token. It goes in the environment ({@code PATCHFLOW_TOKEN}), not on the
     * command line, where any user could read it in the process list.
     */
    public int run(List<String> args, String token) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("patchctl is not built: " + jar + " is missing");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        // Exits when this JVM is gone, however it ended; its stdin must be our pipe for that (patchctl reads none).
        command.add(ParentWatchAgent.javaAgentOption());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (token != null) {
            builder.environment().put("PATCHFLOW_TOKEN", token);
        }
        Process process = builder.start();
        // Stopped with SIGTERM, this JVM stops patchctl at once, beside the shutdown hook that stops the services,
        // rather than when this JVM has exited. The signal alone: Process.destroy() would also close patchctl's stdin,
        // which its ParentWatchAgent takes for this JVM gone, and says so.
        Thread stop = new Thread(() -> process.toHandle().destroy(), "patchctl-stop");
        try {
            Runtime.getRuntime().addShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
            process.destroy();
            throw shuttingDown;
        }
        int exit = process.waitFor();
        try {
            Runtime.getRuntime().removeShutdownHook(stop);
        } catch (IllegalStateException shuttingDown) {
            // This JVM is stopping and stopped patchctl. What the caller would do next (say that the run did not
            // complete, stop the services a second time) would race the shutdown hooks: wait for the JVM to halt.
            Thread.sleep(Long.MAX_VALUE);
        }
        return exit;
    }
}
