package dev.patchflow.runner.domain;

import java.time.Instant;

/**
 * Work an executor started for a claimed target that outlives the runner, recorded before it does any work, so that
 * a runner that restarts after a crash can find it (or its outcome) instead of starting it again: a local process
 * ({@code pid}, {@code processStart}, {@code exitFile}), or a command running elsewhere ({@code remoteCommand}, e.g.
 * an SSM command id, with {@code pid} 0).
 *
 * @param pid the process id
 * @param processStart the operating system's start time of {@code pid}: tells it from a later process that
 *        reuses the id; for a remote command, when it was (about to be) sent
 * @param outputFile where the process writes its output
 * @param exitFile written by the process itself (its exit code) when the command ends; {@code null} for a remote
 *        command
 * @param remoteCommand the remote command's handle; {@code ""} while it is being sent (recorded before sending, so
 *        that a crash in between is recognised and the command looked up instead of sent twice); {@code null} for a
 *        local process
 */
public record ChildProcess(long pid, Instant processStart, String outputFile, String exitFile, String remoteCommand) {

    public ChildProcess(long pid, Instant processStart, String outputFile, String exitFile) {
        this(pid, processStart, outputFile, exitFile, null);
    }

    /** A command running elsewhere (its id, or {@code ""} while it is being sent). */
    public static ChildProcess remote(String commandId, Instant sentAt, String outputFile) {
        return new ChildProcess(0, sentAt, outputFile, null, commandId);
    }

    public boolean isRemote() {
        return remoteCommand != null;
    }

    /** For logs and the {@code adopted} detail: {@code process 1234} or {@code command <id>}. */
    public String describe() {
        return isRemote() ? "command " + (remoteCommand.isEmpty() ? "(being sent)" : remoteCommand) : "process " + pid;
    }
}
