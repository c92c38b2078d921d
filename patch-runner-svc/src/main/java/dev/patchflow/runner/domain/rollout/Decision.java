package dev.patchflow.runner.domain.rollout;

/**
 * The planner's answer for one candidate target.
 *
 * @param kind what to do
 * @param reason why (for waits, halts and ends)
 * @param endStatus for {@link Kind#END}: the {@code PatchNotStarted} status
 * @param haltKind for {@link Kind#HALT}
 * @param gate for {@link Kind#GATE}: {@code manual} or {@code timer}
 * @param bakeSeconds for a timer {@link Kind#GATE}
 */
public record Decision(Kind kind, String reason, EndStatus endStatus, RolloutState.HaltKind haltKind, String gate,
        int bakeSeconds) {

    /** What the scheduler does with the candidate. */
    public enum Kind {
        /** Start it now. */
        START,
        /** Nothing of this run starts now (limit, batch, gate, halt): try again later. */
        WAIT_RUN,
        /** This target cannot start now (its cluster is busy, or it is a primary) but others may. */
        WAIT_TARGET,
        /** End it without starting it ({@code PatchNotStarted}). */
        END,
        /** Halt the run (and hold the candidate). */
        HALT,
        /** The canary is verified: the gate decides (manual approval or timer). */
        GATE
    }

    /** The {@code PatchNotStarted} statuses the planner can decide. */
    public enum EndStatus {
        CANCELLED, CUTOFF, BUDGET_EXCEEDED, REFUSED, HALTED
    }

    static Decision start() {
        return new Decision(Kind.START, null, null, null, null, 0);
    }

    static Decision waitRun(String reason) {
        return new Decision(Kind.WAIT_RUN, reason, null, null, null, 0);
    }

    static Decision waitTarget(String reason) {
        return new Decision(Kind.WAIT_TARGET, reason, null, null, null, 0);
    }

    static Decision end(EndStatus status, String reason) {
        return new Decision(Kind.END, reason, status, null, null, 0);
    }

    static Decision halt(RolloutState.HaltKind kind, String reason) {
        return new Decision(Kind.HALT, reason, null, kind, null, 0);
    }

    static Decision gate(String gate, int bakeSeconds) {
        return new Decision(Kind.GATE, "canary verified", null, null, gate, bakeSeconds);
    }
}
