package dev.patchflow.runner.domain.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.patchflow.runner.domain.rollout.RolloutPlanner.Candidate;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.Target;

class RolloutPlannerTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final List<String> DEV = List.of("dev", "local");

    @Test
    void batchSizesOfNumbersPercentagesAndListsRepeatTheLastSize() {
        assertThat(RolloutPlanner.layout(RolloutPlanner.sizes(List.of("1", "5", "20%"), 50), 50))
                .containsExactly(1, 5, 10, 10, 10, 10, 4);
        assertThat(RolloutPlanner.layout(RolloutPlanner.sizes(List.of("3"), 10), 10)).containsExactly(3, 3, 3, 1);
        // 10% of 7 = 0.7 rounds up to 1: a batch is never empty.
        assertThat(RolloutPlanner.sizes(List.of("10%"), 7)).containsExactly(1);
        assertThat(RolloutPlanner.sizes(List.of("33%"), 10)).containsExactly(4);
        assertThat(RolloutPlanner.layout(RolloutPlanner.sizes(List.of("1", "100%"), 5), 5)).containsExactly(1, 4);
    }

    @ParameterizedTest(name = "maxConcurrency {0} of {1} targets = {2}")
    @CsvSource({"10,100,10", "25%,10,3", "1%,50,1", "100%,7,7"})
    void concurrencyPercentagesRoundUpToAtLeastOne(String value, int count, int expected) {
        assertThat(RolloutPlanner.concurrency(value, count, 4)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "maxErrors {0} of {1} targets: the run stops at failure {2}")
    @CsvSource({"0,50,1", "3,50,4", "10%,50,6", "10%,55,6", "0%,50,1"})
    void maxErrorsStopsExactlyWhenFailuresExceedTheBudget(String maxErrors, int count, int stopAt) {
        int budget = RolloutPlanner.maxErrors(maxErrors, count);
        for (int failures = 0; failures < stopAt; failures++) {
            assertThat(RolloutPlanner.budgetExceeded(budget, failures)).as("%d failures", failures).isFalse();
        }
        assertThat(RolloutPlanner.budgetExceeded(budget, stopAt)).isTrue();
    }

    @Test
    void sixthFailureOfFiftyTargetsWithTenPercentBudgetHaltsTheRun() {
        RolloutPlan plan = plan(new RolloutPolicy("rolling", "50", null, null, "10%", null, null), 50, "prod");
        Legacy five = state(Set.of(), ids("f", 5), Set.of());
        Legacy six = state(Set.of(), ids("f", 6), Set.of());

        assertThat(decide(plan, five, candidate("t1"), 50, NOW).kind()).isEqualTo(Decision.Kind.START);
        Decision halted = decide(plan, six, candidate("t1"), 50, NOW);
        assertThat(halted.kind()).isEqualTo(Decision.Kind.HALT);
        assertThat(halted.haltKind()).isEqualTo(RolloutState.HaltKind.BUDGET_EXCEEDED);
        assertThat(halted.reason()).isEqualTo("6 failures exceed the error budget of 5");
    }

    @Test
    void clusterOrderPatchesSecondariesFirstAndThePrimaryLast() {
        List<Target> fleet = List.of(node("db-1", "c1", "primary"), node("web-1", null, null),
                node("db-3", "c1", "secondary"), node("db-2", "c1", "secondary"), node("pg-1", "c2", "primary"),
                node("pg-2", "c2", "secondary"));

        assertThat(RolloutPlanner.clusterOrder(fleet).stream().map(Target::id))
                .containsExactly("web-1", "db-2", "db-3", "db-1", "pg-2", "pg-1");
    }

    @Test
    void clusterNodesGoOneAtATimeAndThePrimaryWaitsForEveryOtherNode() {
        RolloutPlan plan = plan(new RolloutPolicy("rolling", "10"), 3, "prod");
        Map<String, Node> members = Map.of("a", new Node("c1", "secondary", null), "b",
                new Node("c1", "secondary", null), "p", new Node("c1", "primary", null));
        Legacy aRunning = legacy(1, Set.of("a"), Set.of("a"), Set.of(), Set.of(), Set.of(), Set.of(),
                members, 3, false, null, null, false, null, 0, null, null, 0, 0, Map.of());
        Legacy aDone = legacy(1, Set.of("a"), Set.of(), Set.of("a"), Set.of(), Set.of(), Set.of(),
                members, 3, false, null, null, false, null, 0, null, null, 0, 0, Map.of());
        Legacy allSecondariesDone = legacy(1, Set.of("a", "b"), Set.of(), Set.of("a", "b"), Set.of(),
                Set.of(), Set.of(), members, 3, false, null, null, false, null, 0, null, null, 0, 0, Map.of());

        assertThat(decide(plan, aRunning, clusterNode("b", "secondary"), 3, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_TARGET);
        assertThat(decide(plan, aDone, clusterNode("p", "primary"), 3, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_TARGET);
        assertThat(decide(plan, aDone, clusterNode("b", "secondary"), 3, NOW).kind())
                .isEqualTo(Decision.Kind.START);
        assertThat(decide(plan, allSecondariesDone, clusterNode("p", "primary"), 3, NOW).kind())
                .isEqualTo(Decision.Kind.START);
        // Not every target reached the runner yet: an unknown secondary may still come, the primary waits.
        assertThat(decide(plan, allSecondariesDone, clusterNode("p", "primary"), 4, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_TARGET);
    }

    @Test
    void nextBatchStartsOnlyWhenThePreviousBatchFinished() {
        RolloutPlan plan = plan(new RolloutPolicy("batches", null, List.of("1", "2"), null, null, null, null), 5,
                "prod");
        Legacy firstRunning = state(Set.of("a"), Set.of(), Set.of());
        Legacy firstDone = legacy(1, Set.of("a"), Set.of(), Set.of("a"), Set.of(), Set.of(),
                Set.of(), Map.of(), 5, false, null, null, false, null, 0, null, null, 0, 0, Map.of());
        Legacy secondHalfStarted = legacy(2, Set.of("a", "b"), Set.of("b"), Set.of("a"), Set.of(),
                Set.of(), Set.of(), Map.of(), 5, false, null, null, false, null, 0, null, null, 0, 0, Map.of());
        Legacy secondBatchRunning = legacy(3, Set.of("a", "b", "c"), Set.of("b", "c"), Set.of("a"),
                Set.of(), Set.of(), Set.of(), Map.of(), 5, false, null, null, false, null, 0, null, null, 0, 0,
                Map.of());

        assertThat(decide(plan, firstRunning, candidate("b"), 5, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_RUN);
        assertThat(decide(plan, firstDone, candidate("b"), 5, NOW).kind())
                .isEqualTo(Decision.Kind.START);
        assertThat(decide(plan, secondHalfStarted, candidate("c"), 5, NOW).kind())
                .isEqualTo(Decision.Kind.START);
        assertThat(decide(plan, secondBatchRunning, candidate("d"), 5, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_RUN);
    }

    @Test
    void canaryRunsAloneThenWaitsForVerificationThenForTheGate() {
        RolloutPlan plan = plan(new RolloutPolicy("canary", "5", null,
                new RolloutPolicy.CanaryPolicy("manual", null), null, null, null), 10, "prod");
        Legacy empty = state(Set.of(), Set.of(), Set.of());
        Legacy canaryPatched = legacy(1, Set.of("c"), Set.of(), Set.of("c"), Set.of(), Set.of(),
                Set.of("c"), Map.of(), 10, false, null, null, false, null, 0, null, null, 0, 0, Map.of());
        Legacy canaryVerified = legacy(1, Set.of("c"), Set.of(), Set.of("c"), Set.of(), Set.of("c"),
                Set.of("c"), Map.of(), 10, false, null, null, false, null, 0, "WAITING", null, 0, 0, Map.of());
        Legacy approved = legacy(2, Set.of("c"), Set.of(), Set.of("c"), Set.of(), Set.of("c"),
                Set.of("c"), Map.of(), 10, false, null, null, false, null, 0, "APPROVED", null, 0, 0, Map.of());
        Legacy canaryFailed = legacy(1, Set.of("c"), Set.of(), Set.of("c"), Set.of("c"), Set.of(),
                Set.of("c"), Map.of(), 10, false, null, null, false, null, 0, null, null, 0, 0, Map.of());

        assertThat(plan.canarySize()).isEqualTo(1);
        assertThat(decide(plan, empty, candidate("c"), 10, NOW).kind()).isEqualTo(Decision.Kind.START);
        assertThat(decide(plan, canaryPatched, candidate("x"), 10, NOW).kind())
                .isEqualTo(Decision.Kind.WAIT_RUN);
        assertThat(decide(plan, canaryVerified, candidate("x"), 10, NOW).kind())
                .isEqualTo(Decision.Kind.GATE);
        assertThat(decide(plan, approved, candidate("x"), 10, NOW).kind())
                .isEqualTo(Decision.Kind.START);
        Decision failed = decide(plan, canaryFailed, candidate("x"), 10, NOW);
        assertThat(failed.kind()).isEqualTo(Decision.Kind.HALT);
        assertThat(failed.haltKind()).isEqualTo(RolloutState.HaltKind.CANARY_FAILED);
    }

    @Test
    void cutoffEndsTargetsThatWouldStartAfterTheWindowButLetsInFlightOnesFinish() {
        RolloutPlan plan = plan(new RolloutPolicy("rolling", "5", null, null, null, null, NOW.minusSeconds(1)), 10,
                "prod");
        Decision ended = decide(plan, state(Set.of(), Set.of(), Set.of()), candidate("a"), 10, NOW);
        assertThat(ended.kind()).isEqualTo(Decision.Kind.END);
        assertThat(ended.endStatus()).isEqualTo(Decision.EndStatus.CUTOFF);
        assertThat(ended.reason()).contains("maintenance window ended at 2026-11-20T09:59:59Z");
        assertThat(decide(plan, state(Set.of("a"), Set.of(), Set.of()), candidate("a"), 10, NOW)
                .kind()).isEqualTo(Decision.Kind.START);
    }

    @Test
    void cancelEndsTheTargetsAHaltHeldAsHaltedAndOtherwiseAsCancelled() {
        RolloutPlan plan = plan(new RolloutPolicy("rolling", "1", null, null, "3", null, null), 10, "prod");
        Set<String> failed = ids("f", 4);
        Legacy halted = legacy(1, failed, Set.of(), failed, failed, Set.of(), Set.of(), Map.of(), 10, true,
                RolloutState.HaltKind.BUDGET_EXCEEDED, "4 failures exceed the error budget of 3", true,
                "cancelled by olga", 0, null, null, 1, 1, Map.of());
        Decision held = decide(plan, halted, candidate("a"), 10, NOW);
        assertThat(held.kind()).isEqualTo(Decision.Kind.END);
        assertThat(held.endStatus()).isEqualTo(Decision.EndStatus.HALTED);
        assertThat(held.reason()).isEqualTo("not started: the run was halted (4 failures exceed the error budget "
                + "of 3) and then cancelled (cancelled by olga)");

        Legacy running = legacy(1, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), Map.of(), 10, false,
                null, null, true, "cancelled by olga", 0, null, null, 0, 1, Map.of());
        Decision cancelled = decide(plan, running, candidate("a"), 10, NOW);
        assertThat(cancelled.endStatus()).isEqualTo(Decision.EndStatus.CANCELLED);
        assertThat(cancelled.reason()).isEqualTo("not started: the run was cancelled (cancelled by olga)");
    }

    @Test
    void allAtOnceIsRefusedOutsideDevLikeEnvironments() {
        RolloutPolicy policy = new RolloutPolicy("all_at_once", null);
        assertThat(plan(policy, 10, "dev").refusal()).isNull();
        assertThat(plan(policy, 10, "prod").refusal()).contains("only allowed in dev-like environments");
        Decision refused = decide(plan(policy, 10, "prod"), state(Set.of(), Set.of(), Set.of()),
                candidate("a"), 10, NOW);
        assertThat(refused.endStatus()).isEqualTo(Decision.EndStatus.REFUSED);
    }

    @Test
    void domainBudgetStopsOnlyTheExhaustedLandingZone() {
        RolloutPlan plan = plan(new RolloutPolicy("rolling", "10", null, null, null,
                new RolloutPolicy.DomainErrorBudget("landingZone", "1"), null), 10, "prod");
        Map<String, Node> members = new HashMap<>();
        members.put("f1", new Node(null, null, "lz-a"));
        members.put("f2", new Node(null, null, "lz-a"));
        Set<String> failed = Set.of("f1", "f2");
        Legacy s = legacy(1, failed, Set.of(), failed, failed, Set.of(), Set.of(), members, 4, false,
                null, null, false, null, 0, null, null, 0, 0, domainCounts(failed, members,
                        "landingZone"));

        Decision a = decide(plan, s, new Candidate("a3", null, null, "lz-a"), 10, NOW);
        assertThat(a.endStatus()).isEqualTo(Decision.EndStatus.BUDGET_EXCEEDED);
        assertThat(decide(plan, s, new Candidate("b1", null, null, "lz-b"), 10, NOW).kind())
                .isEqualTo(Decision.Kind.START);
    }

    @Test
    void planWaitsForTheScanCountWhenAPercentageNeedsIt() {
        assertThat(RolloutPlanner.plan(new RolloutPolicy("rolling", "2", null, null, "10%", null, null), null, 4,
                null, "prod", DEV)).isNull();
        assertThat(RolloutPlanner.plan(new RolloutPolicy("rolling", "2"), null, 4, null, "prod", DEV).concurrency())
                .isEqualTo(2);
    }

    private static RolloutPlan plan(RolloutPolicy policy, int count, String environment) {
        return RolloutPlanner.plan(policy, count, 4, null, environment, DEV);
    }

    private static Legacy state(Set<String> inFlight, Set<String> failed, Set<String> verified) {
        Set<String> started = new HashSet<>(inFlight);
        started.addAll(failed);
        return legacy(1, started, inFlight, failed, failed, verified, Set.of(), Map.of(), started.size(),
                false, null, null, false, null, 0, null, null, 0, 0, Map.of());
    }

    private static Set<String> ids(String prefix, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 1; i <= n; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    private static Candidate candidate(String id) {
        return new Candidate(id, null, null, null);
    }

    private static Candidate clusterNode(String id, String role) {
        return new Candidate(id, "c1", role, null);
    }

    private static Target node(String id, String cluster, String role) {
        return new Target(id, id, Target.KIND_STATIC, "prod", "lz", Map.of(), null, null, null, null, null, null,
                cluster, role);
    }

    // --- the state as sets of target ids (how these cases read best), turned into the stored form -----------

    /** A cluster node as the test describes it. */
    private record Node(String clusterId, String role, String landingZone) {
    }

    /** The state the planner sees, plus what the scheduler would look up in the candidate's cluster. */
    private record Legacy(RolloutState state, Map<String, Node> members, Set<String> finished) {
    }

    private static Legacy legacy(long version, Set<String> started, Set<String> inFlight, Set<String> finished,
            Set<String> failed, Set<String> verified, Set<String> canary, Map<String, Node> members, int arrived,
            boolean halted, RolloutState.HaltKind haltKind, String haltReason, boolean cancelled,
            String cancelReason, int failureBaseline, String gateState, Instant gateUntil, int haltCount,
            int controlCount, Map<String, Integer> domainFailures) {
        List<RolloutState.InFlight> entries = inFlight.stream().sorted().map(t -> new RolloutState.InFlight(t, 1,
                members.get(t) == null ? null : members.get(t).clusterId())).toList();
        Set<String> canaryVerified = new HashSet<>(verified);
        canaryVerified.retainAll(canary);
        Set<String> canaryFailed = new HashSet<>(failed);
        canaryFailed.retainAll(canary);
        return new Legacy(new RolloutState(version, version, arrived, started.size(), finished.size(), failed.size(),
                failed.size(), verified.size(), entries, canary, canaryVerified, canaryFailed, domainFailures, halted,
                haltKind, haltReason, cancelled, cancelReason, failureBaseline, gateState, gateUntil, haltCount,
                controlCount, List.of()), members, finished);
    }

    private static Decision decide(RolloutPlan plan, Legacy s, Candidate candidate, Integer count, Instant now) {
        ClusterState cluster = null;
        if (candidate.clusterId() != null) {
            Map<String, String> nodes = new HashMap<>();
            s.members().forEach((id, node) -> {
                if (candidate.clusterId().equals(node.clusterId())) {
                    nodes.put(id, node.role());
                }
            });
            cluster = new ClusterState(candidate.clusterId(), nodes, s.finished());
        }
        return RolloutPlanner.decide(plan, s.state(), candidate, cluster, count, now);
    }

    private static Map<String, Integer> domainCounts(Set<String> failed, Map<String, Node> members, String kind) {
        Map<String, Integer> counts = new HashMap<>();
        for (String id : failed) {
            Node node = members.get(id);
            String domain = node == null ? null : "cluster".equals(kind) ? node.clusterId() : node.landingZone();
            if (domain != null) {
                counts.merge(domain, 1, Integer::sum);
            }
        }
        return counts;
    }
}
