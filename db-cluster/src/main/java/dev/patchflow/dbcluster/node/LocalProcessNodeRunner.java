package dev.patchflow.dbcluster.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.patchflow.dbcluster.ClusterException;
import dev.patchflow.dbcluster.NodeRunner;

/**
 * Runs node commands as local processes: for nodes on this machine (loopback clusters, a runner that is
 * co-located with its database, tests). argv without a shell; output appended to the caller's file; a command
 * past its timeout is killed with everything it started.
 */
public final class LocalProcessNodeRunner implements NodeRunner {

    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Result run(NodeAddress node, List<String> argv, Map<String, String> environment, Duration timeout,
            Path output) {
        if (argv.isEmpty() || argv.get(0).isBlank()) {
            throw new ClusterException("no command to run on " + node.member());
        }
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ClusterException("cannot start " + argv.get(0) + " for " + node.member() + ": " + e.getMessage(),
                    e);
        }
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (!finished) {
                kill(process);
                return new Result(null, true, lastLine(output), took);
            }
            return new Result(process.exitValue(), false, lastLine(output), took);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while running " + argv.get(0) + " on " + node.member(), e);
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    static String lastLine(Path output) {
        try {
            List<String> lines = Files.readAllLines(output);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException e) {
            // Only decoration of the result.
        }
        return null;
    }
}
