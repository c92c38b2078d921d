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
 */
public record ChildProcess(long pid, Instant processStart, String outputFile, String exitFile) {
}
