package dev.patchflow.runner.domain.rollout;

import dev.patchflow.schemas.events.RunContext;

/**
 * A rule that may hold a candidate back, or refuse it, before the rollout policy lets it start: asked for every
 * candidate the policy would start (after the budget, the canary gate, the batches and the cluster order said
 * yes), and for no other. Beans of this type are consulted in turn; the first answer that is not OPEN decides:
 * <ul>
 * <li>WAIT holds the target (it stays queued and is asked again on a later pass); other targets of the run go
 * on.</li>
 * <li>REFUSED ends the target without starting it ({@code PatchNotStarted REFUSED} with the reason), through the
 * scheduler's end path, which records it once however many passes or replicas decided it.</li>
 * </ul>
 * A gate answers at once (it is asked on the dispatcher's thread) and does its work elsewhere. The database
 * cluster phases ({@link ClusterGate}) are one.
 */
public interface AdmissionGate {

    /**
     * @param run the candidate's run
     * @param candidate the target asking to start, with its cluster, role and landing zone
     * @param allArrived every target of the run reached the runner (the run's scanned count is known and met)
     */
    Verdict admit(RunContext run, RolloutPlanner.Candidate candidate, boolean allArrived);

    /** A gate's answer. */
    record Verdict(Kind kind, String reason) {

        public enum Kind {
            /** The target may start. */
            OPEN,
            /** Not decided yet: the target waits its turn. */
            WAIT,
            /** The target ends without starting ({@code PatchNotStarted REFUSED}, the reason). */
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
