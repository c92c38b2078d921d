package dev.patchflow.runner.domain;

import java.time.Instant;

/**
 * A process an executor started for a claimed target, recorded before it does any work, so that a runner that
 * restarts after a crash can find it (or its outcome) instead of starting it again.
 *
 * @param pid the process id
 * @param processStart the operating system's start time of {@code pid}: tells it from a later process that
 *        reuses the id
 * @param outputFile where the process writes its output
 * @param exitFile written by the process itself (its exit code) when the command ends
 * @param handle for work that is not a local process (a Kubernetes Job): what the executor finds it by again,
 *        e.g. {@code job/<context>/<namespace>/<name>}; {@code null} for a local process
 */
public record ChildProcess(long pid, Instant processStart, String outputFile, String exitFile, String handle) {

    /** A local process. */
    public ChildProcess(long pid, Instant processStart, String outputFile, String exitFile) {
        this(pid, processStart, outputFile, exitFile, null);
    }

    /** Work outside this machine, found again by {@code handle}; its output is collected into {@code outputFile}. */
    public static ChildProcess external(String handle, Instant started, String outputFile) {
        return new ChildProcess(0, started, outputFile, outputFile + ".exit", handle);
    }

    /** For logs and event details: {@code process 1234} or the handle. */
    public String describe() {
        return handle != null ? handle : "process " + pid;
    }
}
