package dev.patchflow.dbcluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a command on a cluster node: the update step, the stop and start of a database, a free-space probe. The
 * engines never know how a node is reached: a local process today ({@code local}), SSM Run Command on EC2 nodes
 * when that executor exists — a new runner plugs in by being another implementation with its own
 * {@link #name()}.
 */
public interface NodeRunner {

    /** The name a target's {@code database.nodeRunner} selects, e.g. {@code local}. */
    String name();

    /**
     * Runs {@code argv} (no shell) on {@code node}, appending its output (stdout and stderr) to {@code output}.
     * A command that exits non-zero or times out is a result, not an exception; an exception means the command
     * could not be run at all.
     */
    Result run(NodeAddress node, List<String> argv, Map<String, String> environment, Duration timeout, Path output);

    /** Where a node is: its name in the cluster, its host, and what the runner needs to reach it. */
    record NodeAddress(String clusterId, String member, String host, Map<String, String> attributes) {

        public NodeAddress {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }
    }

    /**
     * How a command ended.
     *
     * @param exitCode {@code null} when it was killed (timeout)
     * @param lastLine the last non-blank line of its output, for messages
     */
    record Result(Integer exitCode, boolean timedOut, String lastLine, Duration duration) {

        public boolean succeeded() {
            return !timedOut && exitCode != null && exitCode == 0;
        }

        /** {@code exited with 3: <last line>} / {@code timed out after 10s}. */
        public String describe(String what) {
            if (timedOut) {
                return what + " timed out after " + duration.toSeconds() + "s";
            }
            return what + " exited with " + exitCode + (lastLine == null || lastLine.isBlank() ? "" : ": " + lastLine);
        }
    }
}
