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
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("patchctl is not built: " + jar + " is missing");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }
}
