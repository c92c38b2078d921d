package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's scheduling state as stored in MongoDB ({@code rollouts}, one small document per run): counters, and
 * only sets that are bounded by the policy, so that neither its size nor the cost of an operation on it grows
 * with the run. The in-flight entries are bounded by the run's concurrency, the canary sets by the canary size,
 * the transit entries by the work in progress at one moment; per-target facts live on the target's own record,
 * per-cluster facts in {@link ClusterState}.
 * <p>
 * Counting is exactly once without transactions: every increment is applied in the same single-document update
 * that removes the entry marking it as "in transit" (an {@link InFlight} entry for a start, a {@link Transit}
 * entry for an arrival, an end without start or a validation), so applying it twice finds no entry and changes
 * nothing.
 *
 * @param version bumped by every admission and every flag change: the optimistic lock of an admission
 * @param rev bumped by every update: which of two copies of the state is the newer one
 * @param arrived targets of the run that reached the runner (backed up, or failed before)
 * @param started admissions not undone (the canary size and the batch boundaries count them)
 * @param finished targets whose patch outcome is recorded (executed, failed before, or ended without start)
 * @param failed failures (patch failed, or validation failed)
 * @param budgetFailures the failures that count against the error budget (see {@link BudgetExemption})
 * @param verified targets that passed validation
 * @param inFlight targets started and not finished: the concurrency limit counts them
 * @param canary the canary batch
 * @param canaryVerified canary targets that passed validation
 * @param canaryFailed canary targets that failed (patch or validation)
 * @param domainFailures budget failures per failure domain (landing zone or cluster), when the run has a domain budget
 * @param failureBaseline budget failures an operator accepted by resuming a halted run; the budget counts beyond
 * @param gateState {@code null} (not reached), WAITING, APPROVED, TIMER_ELAPSED, FAILED
 * @param gateUntil when a waiting timer gate opens
 * @param transit arrivals, ends and validations in transit (their target record written, their count not yet)
 */
public record RolloutState(long version, long rev, int arrived, int started, int finished, int failed,
        int budgetFailures, int verified, List<InFlight> inFlight, Set<String> canary, Set<String> canaryVerified,
        Set<String> canaryFailed, Map<String, Integer> domainFailures, boolean halted, HaltKind haltKind,
        String haltReason, boolean cancelled, String cancelReason, int failureBaseline, String gateState,
        Instant gateUntil, int haltCount, int controlCount, List<Transit> transit) {

    public RolloutState {
        inFlight = List.copyOf(inFlight);
        canary = Set.copyOf(canary);
        canaryVerified = Set.copyOf(canaryVerified);
        canaryFailed = Set.copyOf(canaryFailed);
        domainFailures = Map.copyOf(domainFailures);
        transit = List.copyOf(transit);
    }

    /** Why a run is halted. */
    public enum HaltKind {
        BUDGET_EXCEEDED, CANARY_FAILED, OPERATOR, POLICY_REFUSED
    }

    /**
     * A started target holding a slot.
     *
     * @param targetId the target
     * @param token the admission that started it (the state's version after it): the target's record names the
     *        token it executed under, so a stale admission of a finished target is told apart from the real one
     * @param clusterId its cluster, if any (one node of a cluster at a time)
     */
    public record InFlight(String targetId, long token, String clusterId) {
    }

    /** What a transit entry counts once applied. */
    public enum TransitKind {
        /** A target reached the runner. */
        ARRIVAL,
        /** A target ended without starting ({@code PatchNotStarted}). */
        END,
        /** A validation result. */
        VALIDATION
    }

    /**
     * A fact written to its target's record and not yet counted here. Applied exactly once, a batch at a time: the
     * update that adds the increments of the batch's winners (the entries whose {@link #nonce} their target's
     * record names as the attempt that wrote the fact) removes the whole batch, and applies only while the batch
     * is still there; the other entries are removed without counting.
     *
     * @param nonce unique per attempt; the record remembers which attempt wrote the fact
     * @param batch the entries written together (an intake batch's arrivals of one run), applied together: one
     *        update counts the winners among them and removes them all
     * @param increments counter name → amount
     * @param domain the failure domain whose counter to increment, or {@code null}
     * @param clusterId the cluster whose {@code finished} set learns the target before the count (arrivals of
     *        finished targets and ends), or {@code null}
     * @param canaryVerified whether the target joins {@link RolloutState#canaryVerified()}
     * @param canaryFailed whether the target joins {@link RolloutState#canaryFailed()}
     */
    public record Transit(String targetId, String nonce, String batch, TransitKind kind,
            Map<String, Integer> increments, String domain, String clusterId, boolean canaryVerified,
            boolean canaryFailed) {

        public Transit {
            increments = Map.copyOf(increments);
        }
    }

    /** Counter names, as stored. */
    public static final String ARRIVED = "arrived";
    public static final String STARTED = "started";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String BUDGET_FAILURES = "budgetFailures";
    public static final String VERIFIED = "verified";

    public static RolloutState empty() {
        return new RolloutState(0, 0, 0, 0, 0, 0, 0, 0, List.of(), Set.of(), Set.of(), Set.of(), Map.of(), false,
                null, null, false, null, 0, null, null, 0, 0, List.of());
    }

    /** Failures that count against the budget since the last resume. */
    public int countedFailures() {
        return Math.max(0, budgetFailures - failureBaseline);
    }

    public boolean gatePassed() {
        return "APPROVED".equals(gateState) || "TIMER_ELAPSED".equals(gateState);
    }

    public int domainFailures(String domain) {
        return domainFailures.getOrDefault(domain, 0);
    }

    /** The in-flight entry of {@code targetId}, or {@code null}. */
    public InFlight inFlightEntry(String targetId) {
        for (InFlight f : inFlight) {
            if (f.targetId().equals(targetId)) {
                return f;
            }
        }
        return null;
    }

    public boolean isInFlight(String targetId) {
        return inFlightEntry(targetId) != null;
    }

    /** The target of {@code clusterId} in flight, or {@code null}. */
    public String inFlightMemberOf(String clusterId) {
        for (InFlight f : inFlight) {
            if (clusterId.equals(f.clusterId())) {
                return f.targetId();
            }
        }
        return null;
    }

    /** Whether every started target has its outcome: a new batch may begin. */
    public boolean startedAllFinished() {
        return inFlight.isEmpty();
    }

    /** Whether every canary target passed validation. */
    public boolean canaryVerifiedAll() {
        return canaryVerified.containsAll(canary);
    }

    /** A copy with {@code id} started (and in flight) under {@code token}: what an admission writes. */
    public RolloutState withStarted(String id, long token, String clusterId, boolean canaryMember) {
        List<InFlight> f = new ArrayList<>(inFlight);
        f.add(new InFlight(id, token, clusterId));
        Set<String> c = canary;
        if (canaryMember) {
            c = new HashSet<>(canary);
            c.add(id);
        }
        return new RolloutState(version, rev, arrived, started + 1, finished, failed, budgetFailures, verified, f,
                c, canaryVerified, canaryFailed, domainFailures, halted, haltKind, haltReason, cancelled,
                cancelReason, failureBaseline, gateState, gateUntil, haltCount, controlCount, transit);
    }

    /** A copy at {@code newVersion} (after an admission of this process moved it). */
    public RolloutState atVersion(long newVersion) {
        return new RolloutState(newVersion, rev, arrived, started, finished, failed, budgetFailures, verified,
                inFlight, canary, canaryVerified, canaryFailed, domainFailures, halted, haltKind, haltReason,
                cancelled, cancelReason, failureBaseline, gateState, gateUntil, haltCount, controlCount, transit);
    }
}
