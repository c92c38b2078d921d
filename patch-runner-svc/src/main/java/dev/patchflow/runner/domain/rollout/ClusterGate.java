package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.RunContext;

/**
 * Run phases that must pass before any node of a cluster starts (a database cluster's preflight and ephemeral
 * clone test). The scheduler asks before it starts a cluster node; the gate answers at once and does its work
 * elsewhere. The default gate is always open.
 */
public interface ClusterGate {

    ClusterGate OPEN = (run, targetId, clusterId, allArrived) -> Verdict.open();

    /**
     * Whether a node of {@code clusterId} may start now.
     *
     * @param allArrived every target of the run reached the runner (the gate may need every node's backup)
     */
    Verdict verdict(RunContext run, String targetId, String clusterId, boolean allArrived);

    /** A target's restore point was made (a cluster's preflight asks for a recent backup). */
    default void backupCompleted(BackupCompleted event) {
    }

    /** The gate's answer. */
    record Verdict(Kind kind, String reason) {

        public enum Kind {
            /** The node may start. */
            OPEN,
            /** Not decided yet (its phases are running): the node waits its turn. */
            WAIT,
            /** The phases failed: the node ends without starting ({@code PatchNotStarted REFUSED}, the reason). */
            REFUSED
        }

        public static Verdict open() {
            return new Verdict(Kind.OPEN, null);
        }

        public static Verdict waiting(String reason) {
            return new Verdict(Kind.WAIT, reason);
        }

        public static Verdict refused(String reason) {
            return new Verdict(Kind.REFUSED, reason);
        }
    }
}
