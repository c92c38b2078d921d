package dev.patchflow.runner.component;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.bson.Document;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.runner.support.ComponentProfile;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.InMemoryOutputStore;
import dev.patchflow.runner.support.Records;
import dev.patchflow.runner.support.ScriptedExecutor;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;

/**
 * The runner's logic end to end inside the service, with in-memory channels and mongo-java-server: rollout
 * limits, ledger, pipeline rules, redelivery and the dispatch-state API. Kafka-specific behaviour (serde on the
 * wire, dead letters) is in {@code PatchRunnerIT}.
 */
@QuarkusTest
@TestProfile(ComponentProfile.class)
class PatchRunnerComponentTest {

    private static final String BACKUP_SVC = "/patchflow/backup-svc";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ScriptedExecutor executor;

    @Inject
    InMemoryOutputStore outputs;

    @Inject
    MongoClient mongo;

    private InMemorySource<Object> backups;
    private InMemorySource<Object> scans;
    private InMemorySink<byte[]> patches;

    @BeforeEach
    void channels() {
        backups = connector.source(Topics.BACKUPS);
        scans = connector.source(Topics.SCANS);
        patches = connector.sink(Topics.PATCHES);
    }

    private static String newRunId() {
        return "run-" + UUID.randomUUID();
    }

    private static PatchSpec scripted(Map<String, String> parameters) {
        return new PatchSpec("demo-app", "1.1.0-" + UUID.randomUUID(), ScriptedExecutor.NAME, List.of(), null,
                parameters);
    }

    private void backupCompleted(RunContext run, Target target) {
        backups.send(Records.batch(BACKUP_SVC, Fixtures.backupCompleted(run, target)));
    }

    /** Every outcome emitted for the run, decoded through the contract, with its Kafka key checked. */
    private List<CloudEvent<?>> outcomes(String runId) {
        return patches.received().stream().map(PatchRunnerComponentTest::decode).filter(e -> runId.equals(e.runId()))
                .toList();
    }

    private static CloudEvent<?> decode(Message<byte[]> message) {
        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow();
        CloudEvent<?> event = Records.CODEC.decode(EventCodec.headerMap(metadata.getHeaders()), message.getPayload());
        assertThat(metadata.getKey()).isEqualTo(event.key());
        return event;
    }

    private List<CloudEvent<?>> awaitOutcomes(String runId, int count) {
        // Counted by Kafka key while waiting (cheap), decoded and schema-checked once at the end.
        String keyPrefix = runId + "/";
        await().atMost(WAIT).until(() -> patches.received().stream()
                .map(m -> m.getMetadata(OutgoingKafkaRecordMetadata.class).map(md -> String.valueOf(md.getKey())))
                .filter(k -> k.isPresent() && k.get().startsWith(keyPrefix))
                .count() >= count);
        return outcomes(runId);
    }

    private static Optional<PatchApplied> applied(CloudEvent<?> event) {
        return event.data() instanceof PatchApplied a ? Optional.of(a) : Optional.empty();
    }

    @Test
    void anExecutorThatThrowsAnErrorEndsTheTargetPatchFailedAndFreesItsSlot() {
        // Issue #7, finding 2: an OutOfMemoryError on a worker left its target RUNNING with no outcome ("patched
        // 0" forever). With one slot, the next targets only run if the failed one freed it.
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of("throwError.oom-0", "true")), false, Phases.ALL,
                "1");

        List.of("oom-0", "ok-1", "ok-2").forEach(id -> backupCompleted(run, Fixtures.staticTarget(id)));

        List<CloudEvent<?>> outcomes = awaitOutcomes(run.runId(), 3);
        assertThat(outcomes).hasSize(3);
        assertThat(outcomes).filteredOn(e -> e.data() instanceof PatchFailed).singleElement().satisfies(e -> {
            assertThat(e.subject()).isEqualTo("oom-0");
            assertThat(((PatchFailed) e.data()).reason())
                    .isEqualTo("executor scripted failed: java.lang.OutOfMemoryError: Java heap space (scripted for "
                            + "oom-0)");
        });
        assertThat(outcomes).filteredOn(e -> e.data() instanceof PatchApplied).extracting(CloudEvent::subject)
                .containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(1);
    }

    @Test
    void neverExecutesMoreTargetsOfOneRunAtOnceThanItsMaxConcurrency() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of("holdMillis", "200")), false, Phases.ALL, "3");

        IntStream.range(0, 12).forEach(i -> backupCompleted(run, Fixtures.staticTarget("web-" + i)));

        List<CloudEvent<?>> outcomes = awaitOutcomes(run.runId(), 12);
        assertThat(outcomes).hasSize(12)
                .allSatisfy(e -> assertThat(applied(e)).hasValueSatisfying(
                        a -> assertThat(a.status()).isEqualTo(PatchStatus.APPLIED)));
        assertThat(outcomes).extracting(CloudEvent::subject).doesNotHaveDuplicates();
        // Exactly the limit: it was reached (targets do run in parallel) and never exceeded.
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(3);
    }

    @Test
    void aPercentageMaxConcurrencyIsOfTheRunsScannedTargetCount() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of("holdMillis", "200")), false, Phases.ALL, "20%");
        scans.send(Records.batch("/patchflow/scanner-svc", new ScanCompleted(run, 10)));
        MongoCollection<Document> runs = mongo.getDatabase("runner").getCollection("runs");
        await().atMost(WAIT).until(() -> runs.find(new Document("_id", run.runId())).first() != null);
        assertThat(runs.find(new Document("_id", run.runId())).first()).containsEntry("targetCount", 10);

        IntStream.range(0, 8).forEach(i -> backupCompleted(run, Fixtures.staticTarget("app-" + i)));

        awaitOutcomes(run.runId(), 8);
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(2);
    }

    @Test
    void aTargetWhoseBackupFailedIsNotPatchedAndFailsWithTheBackupReason() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of()), false, Phases.ALL, null);
        Target target = Fixtures.staticTarget("db-1");

        backups.send(Records.batch(BACKUP_SVC, Fixtures.backupFailed(run, target, "disk full")));

        CloudEvent<?> outcome = awaitOutcomes(run.runId(), 1).get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchFailed.class,
                f -> assertThat(f.reason()).isEqualTo("not patched: backup failed: disk full"));
        assertThat(executor.invocations(run.runId(), "db-1")).isZero();
    }

    @Test
    void withThePatchPhaseOffEveryTargetIsSkippedWithoutExecuting() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of()), false, new Phases(true, false, true), null);

        backupCompleted(run, Fixtures.staticTarget("db-2"));

        CloudEvent<?> outcome = awaitOutcomes(run.runId(), 1).get(0);
        assertThat(applied(outcome)).hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(PatchStatus.SKIPPED));
        assertThat(executor.invocations(run.runId(), "db-2")).isZero();
    }

    @Test
    void anUnknownExecutorFailsTheTargetNamingTheExecutor() {
        PatchSpec patch = new PatchSpec("demo-app", "1.1.0", "ansible-tower", List.of(), null, Map.of());
        RunContext run = Fixtures.run(newRunId(), patch, false, Phases.ALL, null);

        backupCompleted(run, Fixtures.staticTarget("db-3"));

        CloudEvent<?> outcome = awaitOutcomes(run.runId(), 1).get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchFailed.class,
                f -> assertThat(f.reason()).contains("unknown executor 'ansible-tower'").contains("process"));
    }

    @Test
    void aFailingExecutionIsReportedWithItsExitCodeAndOutputAndDoesNotBlockALaterRun() {
        PatchSpec failing = scripted(Map.of("exitCode", "7"));
        RunContext first = Fixtures.run(newRunId(), failing, false, Phases.ALL, null);
        backupCompleted(first, Fixtures.staticTarget("db-4"));

        CloudEvent<?> failed = awaitOutcomes(first.runId(), 1).get(0);
        assertThat(failed.data()).isInstanceOfSatisfying(PatchFailed.class, f -> {
            assertThat(f.reason()).isEqualTo("scripted failure 7");
            assertThat(f.exitCode()).isEqualTo(7);
            assertThat(f.outputTail()).isEqualTo("scripted db-4");
            assertThat(f.outputLocation()).isEqualTo("s3://patchflow/logs/" + first.runId() + "/db-4.log");
        });
        assertThat(outputs.object("logs/" + first.runId() + "/db-4.log")).isEqualTo("scripted db-4\n");
        Document ledger = ledger(Fixtures.staticTarget("db-4"), failing);
        assertThat(ledger).containsEntry("state", "FAILED").containsEntry("exitCode", 7);

        PatchSpec fixed = new PatchSpec(failing.id(), failing.version(), ScriptedExecutor.NAME, List.of(), null,
                Map.of());
        RunContext second = Fixtures.run(newRunId(), fixed, false, Phases.ALL, null);
        backupCompleted(second, Fixtures.staticTarget("db-4"));

        assertThat(applied(awaitOutcomes(second.runId(), 1).get(0)))
                .hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(PatchStatus.APPLIED));
        assertThat(ledger(Fixtures.staticTarget("db-4"), failing)).containsEntry("state", "APPLIED")
                .containsEntry("runId", second.runId()).containsEntry("attempts", 2);
    }

    @Test
    void aDryRunExecutesWithTheDryRunFlagAndLeavesNoLedgerEntry() {
        PatchSpec patch = scripted(Map.of());
        RunContext run = Fixtures.run(newRunId(), patch, true, Phases.ALL, null);

        backupCompleted(run, Fixtures.staticTarget("db-5"));

        assertThat(applied(awaitOutcomes(run.runId(), 1).get(0)))
                .hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(PatchStatus.DRY_RUN));
        assertThat(executor.sawDryRun(run.runId(), "db-5")).isTrue();
        assertThat(ledger(Fixtures.staticTarget("db-5"), patch)).isNull();
    }

    @Test
    void twoRunsOfTheSamePatchOnOneTargetNeverOverlapAndTheSecondFindsItApplied() {
        PatchSpec patch = scripted(Map.of("holdMillis", "1500"));
        RunContext first = Fixtures.run(newRunId(), patch, false, Phases.ALL, null);
        RunContext second = Fixtures.run(newRunId(), patch, false, Phases.ALL, null);
        Target target = Fixtures.staticTarget("db-6");

        backupCompleted(first, target);
        await().atMost(WAIT).until(() -> executor.invocations(first.runId(), "db-6") == 1);
        backupCompleted(second, target);

        assertThat(applied(awaitOutcomes(first.runId(), 1).get(0)))
                .hasValueSatisfying(a -> assertThat(a.status()).isEqualTo(PatchStatus.APPLIED));
        assertThat(applied(awaitOutcomes(second.runId(), 1).get(0))).hasValueSatisfying(a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
            assertThat(a.details()).containsEntry("appliedByRun", first.runId());
        });
        assertThat(executor.invocations(second.runId(), "db-6")).isZero();
    }

    @Test
    void aRedeliveredBackupEventReEmitsTheRecordedOutcomeWithTheSameIdAndDoesNotExecuteAgain() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of()), false, Phases.ALL, null);
        Target target = Fixtures.staticTarget("db-7");
        backupCompleted(run, target);
        CloudEvent<?> first = awaitOutcomes(run.runId(), 1).get(0);

        backupCompleted(run, target);

        List<CloudEvent<?>> both = awaitOutcomes(run.runId(), 2);
        assertThat(both).extracting(CloudEvent::id).containsOnly(first.id());
        assertThat(both.get(1).data()).isEqualTo(first.data());
        assertThat(executor.invocations(run.runId(), "db-7")).isEqualTo(1);
    }

    @Test
    void manyDryRunTargetsFlowThroughInParallelAndTheApiShowsThemDone() {
        RunContext run = Fixtures.run(newRunId(), scripted(Map.of("holdMillis", "20")), true, Phases.ALL, "50");

        IntStream.range(0, 400).forEach(i -> backupCompleted(run, Fixtures.staticTarget("node-" + i)));

        assertThat(awaitOutcomes(run.runId(), 400)).hasSize(400)
                .allSatisfy(e -> assertThat(applied(e)).hasValueSatisfying(
                        a -> assertThat(a.status()).isEqualTo(PatchStatus.DRY_RUN)));
        assertThat(executor.maxInFlight(run.runId())).isBetween(2, 16);
        given().auth().oauth2(LocalAuthTestResource.token("viewer")).get("/api/runs/{runId}/targets", run.runId())
                .then()
                .statusCode(200)
                .body("$", hasSize(400))
                .body("findAll { it.state == 'DONE' && it.status == 'DRY_RUN' && it.emitted }", hasSize(400));
    }

    @Test
    void theApiAnswers404ForARunItHasNotSeen() {
        given().auth().oauth2(LocalAuthTestResource.token("viewer")).get("/api/runs/{runId}/targets", "never-seen")
                .then()
                .statusCode(404)
                .body("error", equalTo("the runner has no target of run never-seen"));
    }

    private Document ledger(Target target, PatchSpec patch) {
        return mongo.getDatabase("runner").getCollection("ledger")
                .find(new Document("_id", target.id() + "|" + patch.id() + "|" + patch.version())).first();
    }
}
