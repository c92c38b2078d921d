package dev.patchflow.runner.domain;

import java.time.Instant;

/**
 * A process an executor started for a claimed target, recorded before it does any work, so that a runner that
 * restarts after a crash can find it (or its outcome) instead of starting it again.
 *
 * <p>
 * Work that is not a local process is found again by its {@code handle}: an SSM command ({@code command/<id>},
 * {@code command/} while it is being sent) or a Kubernetes Job ({@code job/<context>/<namespace>/<name>}).
 *
 * @param pid the process id; {@code 0} for work elsewhere
 * @param processStart the operating system's start time of {@code pid}: tells it from a later process that
 *        reuses the id; for work elsewhere, when it was (about to be) started
 * @param outputFile where the process writes its output
 * @param exitFile written by the process itself (its exit code) when the command ends; {@code null} for a remote
 *        command
 * @param handle how work elsewhere is found again; {@code null} for a local process
 */
public record ChildProcess(long pid, Instant processStart, String outputFile, String exitFile, String handle) {

    private static final String COMMAND = "command/";

    /** A local process. */
    public ChildProcess(long pid, Instant processStart, String outputFile, String exitFile) {
        this(pid, processStart, outputFile, exitFile, null);
    }

    /**
     * A remote command (its id, or {@code ""} while it is being sent: recorded before sending, so that a crash in
     * between is recognised and the command looked up instead of sent twice).
     */
    public static ChildProcess remote(String commandId, Instant sentAt, String outputFile) {
        return new ChildProcess(0, sentAt, outputFile, null, COMMAND + commandId);
    }

    /** Work outside this machine, found again by {@code handle}; its output is collected into {@code outputFile}. */
    public static ChildProcess external(String handle, Instant started, String outputFile) {
        return new ChildProcess(0, started, outputFile, outputFile + ".exit", handle);
    }

    public boolean isRemote() {
        return handle != null;
    }

    /** The remote command's id, {@code ""} while it is being sent; {@code null} if this is not a remote command. */
    public String remoteCommand() {
        return handle != null && handle.startsWith(COMMAND) ? handle.substring(COMMAND.length()) : null;
    }

    /** For logs and the {@code adopted} detail: {@code process 1234}, {@code command <id>} or the handle. */
    public String describe() {
        if (handle == null) {
            return "process " + pid;
        }
        String command = remoteCommand();
        if (command != null) {
            return "command " + (command.isEmpty() ? "(being sent)" : command);
        }
        return handle;
    }
}
