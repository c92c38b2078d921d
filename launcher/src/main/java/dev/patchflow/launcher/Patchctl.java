package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the packaged {@code patchctl} CLI as a user would, as a child process. */
public final class Patchctl {

    private final Path jar;

    public Patchctl(Path home) {
        this.jar = home.resolve("patchctl/target/quarkus-app/quarkus-run.jar");
    }

    /** Runs {@code patchctl args…} with this terminal as its terminal; returns its exit code. */
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
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (token != null) {
            builder.environment().put("PATCHFLOW_TOKEN", token);
        }
        return builder.start().waitFor();
    }
}
