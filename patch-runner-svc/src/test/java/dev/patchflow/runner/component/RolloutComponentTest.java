package dev.patchflow.runner.component;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.runner.support.ComponentProfile;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.Records;
import dev.patchflow.runner.support.ScriptedExecutor;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * Rollout control inside the service (in-memory channels, mongo-java-server) with a scriptable executor whose
 * per-target duration and outcome the test decides ({@code gated}: a target runs until the test finishes it).
 * What is asserted is what crosses the boundary: executions started, events on {@code patchflow.patches} and
 * {@code patchflow.runs}, HTTP answers.
 */
@QuarkusTest
@TestProfile(ComponentProfile.class)
class RolloutComponentTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ScriptedExecutor executor;

    private InMemorySource<Object> backups;
    private InMemorySource<Object> scans;
    private InMemorySource<Object> validations;
    private InMemorySink<byte[]> patches;
    private InMemorySink<byte[]> runs;

    @BeforeEach
    void channels() {
        backups = connector.source(Topics.BACKUPS);
        scans = connector.source(Topics.SCANS);
        validations = connector.source(Topics.VALIDATIONS);
        patches = connector.sink(Topics.PATCHES);
        runs = connector.sink(Topics.RUNS);
    }

    @Test
    void concurrencyNeverExceedsTheLimitAndBatchesWaitForThePreviousBatch() {
        RunContext run = run(new RolloutPolicy("batches", null, List.of("1", "3"), null, null, null, null),
                Map.of("gated", "true"));
        List<Target> fleet = fleet(7);
        start(run, fleet);

        await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == 1);
        assertStaysAt(run, 1);
        finishRunning(run, 0);
        await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == 4);
        assertStaysAt(run, 4);
        finishRunning(run, 0);
        await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == 7);
        finishRunning(run, 0);

        awaitPatchOutcomes(run, 7);
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(3);
    }

    @Test
    void rollingConcurrencyReachesButNeverExceedsItsLimit() {
        RunContext run = run(new RolloutPolicy("rolling", "3"), Map.of("gated", "true"));
        start(run, fleet(8));

        for (int expected : new int[]{3, 6, 8}) {
            await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == expected);
            assertStaysAt(run, expected);
            finishRunning(run, 0);
        }
        awaitPatchOutcomes(run, 8);
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(3);
    }

    @Test
    @TestSecurity(user = "carol", roles = "approver")
    void canaryGateHoldsUntilApproved() {
        RunContext run = run(new RolloutPolicy("canary", "5", null, new RolloutPolicy.CanaryPolicy("manual", null),
                null, null, null), Map.of());
        List<Target> fleet = fleet(5);
        start(run, fleet);

        List<CloudEvent<?>> canary = awaitPatchOutcomes(run, 1);
        assertThat(executor.started(run.runId())).hasSize(1);
        // Not verified yet: approving is refused and nothing else starts.
        given().post("/api/runs/{id}/approve", run.runId()).then().statusCode(409);
        Target canaryTarget = target(canary.get(0));
        validations.send(Records.batch("/patchflow/validator-svc",
                new ValidationPassed(run, canaryTarget, List.of(new CheckResult("v", "version", true, "ok")), false)));

        RunGateChanged waiting = awaitRunEvent(run, RunGateChanged.class, 1).get(0);
        assertThat(waiting.state()).isEqualTo(RunGateChanged.GateState.WAITING);
        assertThat(waiting.gate()).isEqualTo("manual");
        assertStaysAt(run, 1);

        given().queryParam("reason", "canary looks good").post("/api/runs/{id}/approve", run.runId()).then()
                .statusCode(202).body("action", equalTo("APPROVE")).body("actor", equalTo("carol"));

        awaitPatchOutcomes(run, 5);
        List<RunControlled> controls = awaitRunEvent(run, RunControlled.class, 1);
        assertThat(controls.get(0).reason()).isEqualTo("canary looks good");
        assertThat(awaitRunEvent(run, RunGateChanged.class, 2).get(1).state())
                .isEqualTo(RunGateChanged.GateState.APPROVED);
    }

    @Test
    void timerGateReleasesTheRestAfterTheBakeTime() {
        RunContext run = run(new RolloutPolicy("canary", "5", List.of("2"), new RolloutPolicy.CanaryPolicy("timer", 1),
                null, null, null), Map.of());
        start(run, fleet(6));

        List<CloudEvent<?>> canary = awaitPatchOutcomes(run, 2);
        assertThat(executor.started(run.runId())).hasSize(2);
        for (CloudEvent<?> e : canary) {
            validations.send(Records.batch("/patchflow/validator-svc",
                    new ValidationPassed(run, target(e), List.of(), true)));
        }

        awaitPatchOutcomes(run, 6);
        List<RunGateChanged> gate = awaitRunEvent(run, RunGateChanged.class, 2);
        assertThat(gate).extracting(RunGateChanged::state).containsExactly(RunGateChanged.GateState.WAITING,
                RunGateChanged.GateState.TIMER_ELAPSED);
        assertThat(gate.get(0).until()).isNotNull();
    }

    @Test
    void failedCanaryValidationHaltsTheRun() {
        RunContext run = run(new RolloutPolicy("canary", "5", null, new RolloutPolicy.CanaryPolicy("timer", 0), null,
                null, null), Map.of());
        start(run, fleet(4));

        CloudEvent<?> canary = awaitPatchOutcomes(run, 1).get(0);
        CheckResult bad = new CheckResult("health", "command", false, "exit 1");
        validations.send(Records.batch("/patchflow/validator-svc",
                new ValidationFailed(run, target(canary), List.of(bad), List.of(bad))));

        RunHalted halted = awaitRunEvent(run, RunHalted.class, 1).get(0);
        assertThat(halted.cause()).isEqualTo(RunHalted.HaltCause.CANARY_FAILED);
        assertThat(halted.reason()).contains(target(canary).id());
        assertStaysAt(run, 1);
    }

    @Test
    @TestSecurity(user = "olga", roles = "operator")
    void budgetHaltsDispatchWhileInFlightTargetsFinishAndCancelEndsTheRest() {
        RunContext run = run(new RolloutPolicy("rolling", "2", null, null, "0", null, null), Map.of("gated", "true"));
        List<Target> fleet = fleet(6);
        start(run, fleet);

        await().atMost(WAIT).until(() -> executor.running(run.runId()).size() == 2);
        List<String> first = new ArrayList<>(executor.running(run.runId()));
        executor.finish(run.runId(), first.get(0), 3);

        RunHalted halted = awaitRunEvent(run, RunHalted.class, 1).get(0);
        assertThat(halted.cause()).isEqualTo(RunHalted.HaltCause.BUDGET_EXCEEDED);
        assertThat(halted.reason()).isEqualTo("1 failure exceed the error budget of 0");
        // The other target in flight finishes; nothing new starts.
        executor.finish(run.runId(), first.get(1), 0);
        List<CloudEvent<?>> outcomes = awaitPatchOutcomes(run, 2);
        assertThat(outcomes).extracting(e -> e.data().getClass().getSimpleName())
                .containsExactlyInAnyOrder("PatchFailed", "PatchApplied");
        assertStaysAt(run, 2);

        given().post("/api/runs/{id}/cancel", run.runId()).then().statusCode(202).body("action", equalTo("CANCEL"));
        List<CloudEvent<?>> all = awaitPatchOutcomes(run, 6);
        List<PatchNotStarted> cancelled = all.stream().map(CloudEvent::data)
                .filter(PatchNotStarted.class::isInstance).map(PatchNotStarted.class::cast).toList();
        // Held by the halt when the run was cancelled: HALTED (the report's NOT_STARTED), with both reasons.
        assertThat(cancelled).hasSize(4).allSatisfy(n -> {
            assertThat(n.status()).isEqualTo(PatchNotStarted.NotStartedStatus.HALTED);
            assertThat(n.reason()).isEqualTo("not started: the run was halted (1 failure exceed the error budget "
                    + "of 0) and then cancelled (cancelled by olga)");
        });
        assertThat(executor.started(run.runId())).hasSize(2);
    }

    @Test
    void cutoffStopsNewDispatchAndEndsTheRestWithTheReason() {
        Instant notAfter = Instant.now().plusMillis(1500);
        RunContext run = run(new RolloutPolicy("rolling", "1", null, null, null, null, notAfter),
                Map.of("gated", "true"));
        start(run, fleet(4));

        await().atMost(WAIT).until(() -> executor.running(run.runId()).size() == 1);
        await().atMost(WAIT).until(() -> Instant.now().isAfter(notAfter));
        finishRunning(run, 0);

        List<CloudEvent<?>> all = awaitPatchOutcomes(run, 4);
        assertThat(all.stream().map(CloudEvent::data).filter(PatchNotStarted.class::isInstance)
                .map(PatchNotStarted.class::cast)).hasSize(3).allSatisfy(n -> {
                    assertThat(n.status()).isEqualTo(PatchNotStarted.NotStartedStatus.CUTOFF);
                    assertThat(n.reason()).contains("maintenance window ended at " + notAfter);
                });
        assertThat(executor.started(run.runId())).hasSize(1);
    }

    @Test
    void clusterPrimariesGoLastAfterTheirStepDownOneNodeAtATime() {
        RunContext run = run(new RolloutPolicy("rolling", "10"), Map.of("holdMillis", "40"));
        List<Target> fleet = List.of(node("db-p", "c1", "primary"), node("db-s1", "c1", "secondary"),
                node("db-s2", "c1", "secondary"), node("pg-p", "c2", "primary"), node("pg-s1", "c2", "secondary"),
                node("web-1", null, null));
        start(run, fleet);

        awaitPatchOutcomes(run, 6);
        List<String> order = executor.started(run.runId());
        assertThat(order.indexOf("db-p")).isGreaterThan(order.indexOf("db-s1")).isGreaterThan(-1);
        assertThat(order.indexOf("db-p")).isGreaterThan(order.indexOf("db-s2"));
        assertThat(order.indexOf("pg-p")).isGreaterThan(order.indexOf("pg-s1"));
        assertThat(executor.stepDowns(run.runId())).containsExactlyInAnyOrder("db-p", "pg-p");
    }

    @Test
    @TestSecurity(user = "olga", roles = "operator")
    void haltStopsNewDispatchAndResumeContinuesEachAsAnEventOnTheRunsTopic() {
        RunContext run = run(new RolloutPolicy("rolling", "1"), Map.of("gated", "true"));
        start(run, fleet(3));
        await().atMost(WAIT).until(() -> executor.running(run.runId()).size() == 1);

        given().queryParam("reason", "pager")
                .post("/api/runs/{id}/halt", run.runId()).then().statusCode(202);
        given().post("/api/runs/{id}/halt", run.runId()).then().statusCode(409);
        finishRunning(run, 0);
        awaitPatchOutcomes(run, 1);
        assertStaysAt(run, 1);
        given().get("/api/runs/{id}/rollout", run.runId()).then().statusCode(200).body("halted", equalTo(true))
                .body("haltCause", equalTo("OPERATOR"));

        given().post("/api/runs/{id}/resume", run.runId()).then().statusCode(202);
        await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == 2);
        finishRunning(run, 0);
        await().atMost(WAIT).until(() -> executor.started(run.runId()).size() == 3);
        finishRunning(run, 0);
        awaitPatchOutcomes(run, 3);

        List<RunControlled> controls = awaitRunEvent(run, RunControlled.class, 2);
        assertThat(controls).extracting(RunControlled::action).containsExactly(
                RunControlled.RunControlAction.HALT, RunControlled.RunControlAction.RESUME);
        assertThat(controls).extracting(RunControlled::sequence).containsExactly(1, 2);
        assertThat(controls.get(0).reason()).isEqualTo("pager");
        assertThat(awaitRunEvent(run, RunHalted.class, 1).get(0).cause()).isEqualTo(RunHalted.HaltCause.OPERATOR);
    }

    @Test
    @TestSecurity(user = "olga", roles = "operator")
    void approveNeedsTheApproverRoleAndUnknownRunsAre404() {
        given().post("/api/runs/{id}/approve", "run-unknown").then().statusCode(403);
        given().post("/api/runs/{id}/halt", "run-unknown").then().statusCode(404).body("error",
                equalTo("the runner has not received any target of run run-unknown"));
    }

    @Test
    void controlEndpointsRefuseAnonymousCallers() {
        given().post("/api/runs/{id}/halt", "run-x").then().statusCode(401);
    }

    // --- helpers ---------------------------------------------------------------------------------

    private void start(RunContext run, List<Target> fleet) {
        scans.send(Records.batch("/patchflow/scanner-svc", new ScanCompleted(run, fleet.size())));
        for (Target t : fleet) {
            backups.send(Records.batch("/patchflow/backup-svc", Fixtures.backupCompleted(run, t)));
        }
    }

    private void finishRunning(RunContext run, int exitCode) {
        executor.running(run.runId()).forEach(t -> executor.finish(run.runId(), t, exitCode));
    }

    /** No further target of the run starts for a while (the policy is holding them). */
    private void assertStaysAt(RunContext run, int started) {
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5))
                .until(() -> executor.started(run.runId()).size() == started);
    }

    private List<CloudEvent<?>> awaitPatchOutcomes(RunContext run, int count) {
        await().atMost(WAIT).until(() -> decoded(patches, run).size() >= count);
        return decoded(patches, run);
    }

    private <T extends PatchflowEvent> List<T> awaitRunEvent(RunContext run, Class<T> type, int count) {
        await().atMost(WAIT).until(() -> ofType(run, type).size() >= count);
        return ofType(run, type);
    }

    private <T extends PatchflowEvent> List<T> ofType(RunContext run, Class<T> type) {
        return decoded(runs, run).stream().map(CloudEvent::data).filter(type::isInstance).map(type::cast).toList();
    }

    private static List<CloudEvent<?>> decoded(InMemorySink<byte[]> sink, RunContext run) {
        List<CloudEvent<?>> events = new ArrayList<>();
        for (Message<byte[]> m : List.copyOf(sink.received())) {
            OutgoingKafkaRecordMetadata<?> md = m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
            CloudEvent<?> e = Records.CODEC.decode(EventCodec.headerMap(md.getHeaders()), m.getPayload());
            if (run.runId().equals(e.runId())) {
                assertThat(md.getKey()).isEqualTo(e.key());
                events.add(e);
            }
        }
        return events;
    }

    private static Target target(CloudEvent<?> event) {
        PatchflowEvent data = event.data();
        if (data instanceof PatchApplied a) {
            return a.target();
        }
        if (data instanceof PatchFailed f) {
            return f.target();
        }
        throw new IllegalArgumentException(data.getClass().getSimpleName());
    }

    private static RunContext run(RolloutPolicy policy, Map<String, String> parameters) {
        PatchSpec patch = new PatchSpec("demo-app", "1.1.0-" + UUID.randomUUID(), ScriptedExecutor.NAME, List.of(),
                null, parameters);
        return new RunContext("run-" + UUID.randomUUID(), Instant.parse("2026-11-20T09:00:00Z"), "alice", patch,
                new TargetSelector("static", "inventory.yaml", "prod", List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, policy, List.of()));
    }

    private static List<Target> fleet(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> Fixtures.staticTarget(String.format("t%02d", i))).toList();
    }

    private static Target node(String id, String cluster, String role) {
        return new Target(id, id, Target.KIND_STATIC, "prod", "lz-a", Map.of(), null, "linux", "x86_64", "running",
                null, "1.0.0", cluster, role);
    }
}
