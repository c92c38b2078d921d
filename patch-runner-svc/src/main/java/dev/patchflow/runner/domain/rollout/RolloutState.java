package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's scheduling state as stored in MongoDB ({@code rollouts}): sets of target ids rather than counters,
 * so that every update is idempotent (a redelivered validation or a re-run completion adds nothing).
 *
 * @param version bumped by every start and every operator action: the optimistic lock of an admission
 * @param started targets that were let go (in the order of the canary, for canaries)
 * @param inFlight targets started and not finished
 * @param finished targets whose patch outcome is recorded
 * @param failed targets that failed (patch failed, or validation failed)
 * @param verified targets that passed validation
 * @param canary the canary batch
 * @param members cluster membership of the targets that reached the runner: target id → node
 * @param arrivedCount targets of the run that reached the runner (backed up or failed before)
 * @param failureBaseline failures an operator accepted by resuming a halted run; the budget counts beyond
 * @param gateState {@code null} (not reached), WAITING, APPROVED, TIMER_ELAPSED, FAILED
 * @param gateUntil when a waiting timer gate opens
 */
public record RolloutState(long version, Set<String> started, Set<String> inFlight, Set<String> finished,
        Set<String> failed, Set<String> verified, Set<String> canary, Map<String, Node> members, int arrivedCount,
        boolean halted, HaltKind haltKind, String haltReason, boolean cancelled, String cancelReason,
        int failureBaseline, String gateState, Instant gateUntil, int haltCount, int controlCount,
        Map<String, Integer> domainFailureCounts) {

    /** Why a run is halted. */
    public enum HaltKind {
        BUDGET_EXCEEDED, CANARY_FAILED, OPERATOR, POLICY_REFUSED
    }

    /** A cluster node as the scheduler knows it. */
    public record Node(String clusterId, String role, String landingZone) {
    }

    public static RolloutState empty() {
        return new RolloutState(0, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Map.of(), 0, false,
                null, null, false, null, 0, null, null, 0, 0, Map.of());
    }

    public int countedFailures() {
        return Math.max(0, failed.size() - failureBaseline);
    }

    public boolean gatePassed() {
        return "APPROVED".equals(gateState) || "TIMER_ELAPSED".equals(gateState);
    }

    int domainFailures(String domain) {
        return domainFailureCounts.getOrDefault(domain, 0);
    }

    /** The target of {@code clusterId} in flight, or {@code null}. */
    String inFlightMemberOf(String clusterId) {
        for (String id : inFlight) {
            Node node = members.get(id);
            if (node != null && clusterId.equals(node.clusterId())) {
                return id;
            }
        }
        return null;
    }

    /** Whether every other known node of the cluster has its patch outcome. */
    boolean othersFinished(String clusterId, String self) {
        return members.entrySet().stream()
                .filter(e -> clusterId.equals(e.getValue().clusterId()) && !e.getKey().equals(self))
                .allMatch(e -> finished.contains(e.getKey()));
    }

    boolean startedAllFinished() {
        return finished.containsAll(started);
    }

    /** Failures per failure domain, computed from {@link #failed} and {@link #members}. */
    public static Map<String, Integer> domainCounts(Set<String> failed, Map<String, Node> members, String kind) {
        Map<String, Integer> counts = new HashMap<>();
        if (kind == null) {
            return counts;
        }
        for (String id : failed) {
            Node node = members.get(id);
            if (node == null) {
                continue;
            }
            String domain = "cluster".equals(kind) ? node.clusterId() : node.landingZone();
            if (domain != null) {
                counts.merge(domain, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** A copy with {@code id} started (and in flight): what an admission writes. */
    public RolloutState withStarted(String id, boolean canaryMember) {
        Set<String> s = new HashSet<>(started);
        s.add(id);
        Set<String> f = new HashSet<>(inFlight);
        f.add(id);
        Set<String> c = canary;
        if (canaryMember) {
            c = new HashSet<>(canary);
            c.add(id);
        }
        return new RolloutState(version + 1, s, f, finished, failed, verified, c, members, arrivedCount, halted,
                haltKind, haltReason, cancelled, cancelReason, failureBaseline, gateState, gateUntil, haltCount,
                controlCount, domainFailureCounts);
    }

    static List<String> sorted(Set<String> ids) {
        return ids.stream().sorted().toList();
    }
}
