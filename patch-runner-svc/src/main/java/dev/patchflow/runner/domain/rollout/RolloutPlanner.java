package dev.patchflow.runner.domain.rollout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.patchflow.runner.domain.ConcurrencyLimit;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.Target;

/**
 * The rollout policy as pure functions: what the words of the policy mean in numbers, and whether one more
 * target may start given the run's state. No framework types; the scheduler applies its answers to MongoDB.
 * <p>
 * Semantics borrowed so that nobody learns a new meaning for a familiar word: {@code maxConcurrency} and
 * {@code maxErrors} as in AWS SSM rate control (a percentage of concurrency rounds up, at least 1; the run
 * stops starting targets once failures <em>exceed</em> the budget, so {@code 0} stops after the first
 * failure), {@code batches} as Ansible's {@code serial} (the last size repeats; a batch starts when the
 * previous one finished), the canary gate as an Argo Rollouts pause (manual, or a timer).
 */
public final class RolloutPlanner {

    public static final String ROLE_PRIMARY = "primary";

    private RolloutPlanner() {
    }

    /**
     * Resolves the policy for a run.
     *
     * @param targetCount the run's scanned target count; {@code null} while unknown (a policy that needs it
     *        for a percentage then cannot be planned yet: {@code null} is returned)
     * @param defaultConcurrency the service default when the policy gives none
     * @param defaultMaxErrors the service default budget ({@code null}: none) when the policy gives none
     * @param environment the run's environment ({@code targets.environment})
     * @param devEnvironments environments where {@code all_at_once} is allowed
     */
    public static RolloutPlan plan(RolloutPolicy policy, Integer targetCount, int defaultConcurrency,
            String defaultMaxErrors, String environment, Collection<String> devEnvironments) {
        RolloutPolicy p = policy == null ? new RolloutPolicy(null, null) : policy;
        String strategy = p.strategy().toLowerCase(Locale.ROOT);
        String maxErrorsRaw = p.maxErrors() != null ? p.maxErrors() : defaultMaxErrors;
        boolean needsCount = isPercent(maxErrorsRaw) || (p.batches() != null && p.batches().stream()
                .anyMatch(RolloutPlanner::isPercent));
        if (needsCount && targetCount == null) {
            return null;
        }
        Integer concurrency = p.maxConcurrency() == null
                ? null
                : concurrency(p.maxConcurrency(), targetCount,
                        defaultConcurrency);
        Integer maxErrors = maxErrorsRaw == null
                ? null
                : maxErrors(maxErrorsRaw, targetCount == null ? 0 : targetCount);
        String domain = p.maxErrorsPerDomain() == null ? null : p.maxErrorsPerDomain().domain();
        Integer domainMax = p.maxErrorsPerDomain() == null
                ? null
                : Integer.parseInt(p.maxErrorsPerDomain().maxErrors().trim());
        int count = targetCount == null ? 0 : targetCount;
        String refusal = null;
        List<Integer> batches = null;
        int canarySize = 0;
        String gate = null;
        int bake = 0;
        switch (strategy) {
            case RolloutPolicy.ALL_AT_ONCE -> {
                concurrency = null;
                if (!isDevLike(environment, devEnvironments)) {
                    refusal = "strategy all_at_once is only allowed in dev-like environments " + devEnvironments
                            + "; this run's environment is " + (environment == null ? "not set" : environment);
                }
            }
            case RolloutPolicy.BATCHES -> {
                batches = p.batches() == null ? List.of(1) : sizes(p.batches(), count);
            }
            case RolloutPolicy.CANARY -> {
                List<Integer> all = p.batches() == null ? List.of(1) : sizes(p.batches(), count);
                canarySize = all.get(0);
                batches = all.size() > 1 ? all.subList(1, all.size()) : null;
                gate = p.canary() == null ? RolloutPolicy.CanaryPolicy.MANUAL : p.canary().gate();
                bake = p.canary() == null || p.canary().bakeSeconds() == null ? 0 : p.canary().bakeSeconds();
                if (concurrency == null && batches == null) {
                    concurrency = defaultConcurrency;
                }
            }
            default -> {
                if (concurrency == null) {
                    concurrency = defaultConcurrency;
                }
            }
        }
        return new RolloutPlan(strategy, concurrency, batches, canarySize, gate, bake, maxErrors, domain, domainMax,
                p.notAfter(), refusal);
    }

    static boolean isPercent(String value) {
        return value != null && value.trim().endsWith("%");
    }

    static boolean isDevLike(String environment, Collection<String> devEnvironments) {
        return environment != null && devEnvironments.stream().anyMatch(e -> e.equalsIgnoreCase(environment.trim()));
    }

    /** {@code "N"} → N; {@code "P%"} → P% of the count rounded up, at least 1 (SSM MaxConcurrency). */
    public static int concurrency(String value, Integer targetCount, int defaultLimit) {
        return ConcurrencyLimit.resolve(value, targetCount, defaultLimit);
    }

    /** {@code "N"} → N; {@code "P%"} → P% of the count rounded down (a budget never grows by rounding). */
    public static int maxErrors(String value, int targetCount) {
        String v = value.trim();
        if (v.endsWith("%")) {
            long percent = Long.parseLong(v.substring(0, v.length() - 1));
            return (int) (percent * targetCount / 100);
        }
        return Integer.parseInt(v);
    }

    /** Whether {@code failures} exceed the budget: the point where no new target starts. */
    public static boolean budgetExceeded(Integer maxErrors, int failures) {
        return maxErrors != null && failures > maxErrors;
    }

    /**
     * Ansible {@code serial}: the batch sizes that cover {@code targetCount} targets, the last given size
     * repeating and the final batch holding what is left. Percentages round up, at least 1.
     */
    public static List<Integer> sizes(List<String> batches, int targetCount) {
        List<Integer> resolved = new ArrayList<>();
        for (String b : batches) {
            resolved.add(size(b, targetCount));
        }
        return resolved;
    }

    static int size(String value, int targetCount) {
        String v = value.trim();
        if (v.endsWith("%")) {
            long percent = Long.parseLong(v.substring(0, v.length() - 1));
            return (int) Math.max(1, (percent * targetCount + 99) / 100);
        }
        return Math.max(1, Integer.parseInt(v));
    }

    /** The batch sizes as they fall on a run of {@code targetCount}: e.g. [1, 5, 20%] of 50 → 1, 5, 10, 10, 10, 10, 4. */
    public static List<Integer> layout(List<Integer> sizes, int targetCount) {
        List<Integer> layout = new ArrayList<>();
        int left = targetCount;
        int i = 0;
        while (left > 0) {
            int size = Math.min(left, sizes.get(Math.min(i, sizes.size() - 1)));
            layout.add(size);
            left -= size;
            i++;
        }
        return layout;
    }

    /** Whether the {@code index}-th start opens a new batch (it then waits for the previous batch to finish). */
    static boolean batchStart(List<Integer> sizes, int index) {
        int end = 0;
        int i = 0;
        while (end < index) {
            end += sizes.get(Math.min(i, sizes.size() - 1));
            i++;
        }
        return end == index;
    }

    /**
     * The order in which a fleet's cluster nodes are patched: per cluster one node at a time, secondaries (by
     * id) first, the primary last; targets without a cluster keep their order and come first.
     */
    public static List<Target> clusterOrder(List<Target> targets) {
        List<Target> ordered = new ArrayList<>();
        Map<String, List<Target>> clusters = new LinkedHashMap<>();
        for (Target t : targets) {
            if (t.clusterId() == null || t.clusterId().isBlank()) {
                ordered.add(t);
            } else {
                clusters.computeIfAbsent(t.clusterId(), c -> new ArrayList<>()).add(t);
            }
        }
        Comparator<Target> primaryLast = Comparator.comparing((Target t) -> isPrimary(t.role()))
                .thenComparing(Target::id);
        clusters.values().forEach(nodes -> nodes.stream().sorted(primaryLast).forEach(ordered::add));
        return ordered;
    }

    public static boolean isPrimary(String role) {
        return role != null && role.equalsIgnoreCase(ROLE_PRIMARY);
    }

    /**
     * Whether one more target may start: the whole policy in one decision.
     *
     * @param plan the run's plan ({@code null}: not plannable yet, the scan count is unknown)
     * @param state the run's scheduling state
     * @param candidate the target asking to start
     * @param cluster the candidate's cluster as far as the runner knows it (needed for a primary: it goes after
     *        every other node), or {@code null} when the candidate has no cluster or it was not looked up
     * @param targetCount the run's scanned target count, if known
     */
    public static Decision decide(RolloutPlan plan, RolloutState state, Candidate candidate, ClusterState cluster,
            Integer targetCount, Instant now) {
        if (state.isInFlight(candidate.id())) {
            // Already holds a slot (its runner died, or its claim expired): in-flight work finishes, whatever
            // happened to the run since.
            return Decision.start();
        }
        if (state.cancelled() && state.halted()) {
            // Held by a halt when the operator gave up on the run: the report shows it NOT_STARTED, with the halt.
            return Decision.end(Decision.EndStatus.HALTED, "not started: the run was halted (" + state.haltReason()
                    + ") and then cancelled" + (state.cancelReason() == null ? "" : " (" + state.cancelReason() + ")"));
        }
        if (state.cancelled()) {
            return Decision.end(Decision.EndStatus.CANCELLED, "not started: the run was cancelled"
                    + (state.cancelReason() == null ? "" : " (" + state.cancelReason() + ")"));
        }
        if (plan == null) {
            return Decision.waitRun("the policy needs the run's scanned target count");
        }
        if (plan.refusal() != null) {
            return Decision.end(Decision.EndStatus.REFUSED, "not started: " + plan.refusal());
        }
        if (plan.notAfter() != null && now.isAfter(plan.notAfter())) {
            return Decision.end(Decision.EndStatus.CUTOFF,
                    "not started: the maintenance window ended at " + plan.notAfter());
        }
        if (state.halted()) {
            return Decision.waitRun("halted: " + state.haltReason());
        }
        if (plan.domain() != null && plan.domainMaxErrors() != null) {
            String domain = candidate.domain(plan.domain());
            if (domain != null && state.domainFailures(domain) > plan.domainMaxErrors()) {
                return Decision.end(Decision.EndStatus.BUDGET_EXCEEDED,
                        "not started: " + state.domainFailures(domain) + " failures in " + plan.domain() + " "
                                + domain + " exceed its error budget of " + plan.domainMaxErrors());
            }
        }
        int counted = state.countedFailures();
        if (budgetExceeded(plan.maxErrors(), counted)) {
            return Decision.halt(RolloutState.HaltKind.BUDGET_EXCEEDED, budgetReason(counted, plan.maxErrors()));
        }
        if (candidate.clusterId() != null) {
            String busy = state.inFlightMemberOf(candidate.clusterId());
            if (busy != null) {
                return Decision.waitTarget("cluster " + candidate.clusterId() + " is patching " + busy);
            }
            if (isPrimary(candidate.role())) {
                boolean allArrived = targetCount != null && state.arrived() >= targetCount;
                if (!allArrived || cluster == null || !cluster.othersFinished(candidate.id())) {
                    return Decision.waitTarget("the primary of cluster " + candidate.clusterId()
                            + " goes after every other node");
                }
            }
        }
        int started = state.started();
        if (plan.canary()) {
            if (started < plan.canarySize()) {
                return Decision.start();
            }
            if (!state.canaryFailed().isEmpty() && !state.gatePassed()) {
                return Decision.halt(RolloutState.HaltKind.CANARY_FAILED,
                        "canary failed: " + String.join(", ", state.canaryFailed().stream().sorted().toList()));
            }
            if (!state.gatePassed()) {
                if (!state.canaryVerifiedAll()) {
                    return Decision.waitRun("canary batch not verified yet");
                }
                return Decision.gate(plan.gate(), plan.bakeSeconds());
            }
            started -= plan.canarySize();
        }
        if (plan.batchSizes() != null) {
            if (batchStart(plan.batchSizes(), started) && !state.startedAllFinished()) {
                return Decision.waitRun("the previous batch has not finished");
            }
            // Within a batch every member may start at once (bounded by maxConcurrency, if given).
        }
        if (plan.concurrency() != null && state.inFlight().size() >= plan.concurrency()) {
            return Decision.waitRun("max concurrency " + plan.concurrency() + " reached");
        }
        return Decision.start();
    }

    /** {@link #decide(RolloutPlan, RolloutState, Candidate, ClusterState, Integer, Instant)} for a target outside clusters. */
    public static Decision decide(RolloutPlan plan, RolloutState state, Candidate candidate, Integer targetCount,
            Instant now) {
        return decide(plan, state, candidate, null, targetCount, now);
    }

    public static String budgetReason(int failures, Integer maxErrors) {
        return failures + " failure" + (failures == 1 ? "" : "s") + " exceed the error budget of " + maxErrors;
    }

    /** A READY target asking to start, with what the policy looks at. */
    public record Candidate(String id, String clusterId, String role, String landingZone) {

        /** The candidate's failure domain of {@code kind} ({@code cluster} or {@code landingZone}). */
        public String domain(String kind) {
            return RolloutPolicy.DomainErrorBudget.CLUSTER.equals(kind) ? clusterId : landingZone;
        }
    }
}
