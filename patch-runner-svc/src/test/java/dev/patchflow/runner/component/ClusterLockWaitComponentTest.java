package dev.patchflow.runner.component;

import static dev.patchflow.runner.component.ClusterLockSupport.awaitOutcomes;
import static dev.patchflow.runner.component.ClusterLockSupport.newRunId;
import static dev.patchflow.runner.component.ClusterLockSupport.scripted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.Date;
import java.util.List;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.LocksWaitProfile;
import dev.patchflow.runner.support.Records;
import dev.patchflow.runner.support.ScriptedExecutor;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

/** {@code on-conflict=wait}: a second run on a locked cluster waits (bounded), and a dead holder's lock lapses. */
@QuarkusTest
@TestProfile(LocksWaitProfile.class)
class ClusterLockWaitComponentTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ScriptedExecutor executor;

    @Inject
    MongoClient mongo;

    private InMemorySource<Object> backups;
    private InMemorySink<byte[]> patches;

    @BeforeEach
    void channels() {
        backups = connector.source(Topics.BACKUPS);
        patches = connector.sink(Topics.PATCHES);
    }

    private MongoCollection<Document> locks() {
        return mongo.getDatabase("runner").getCollection("locks");
    }

    private void backupCompleted(RunContext run, String targetId, String clusterId) {
        backups.send(Records.batch("/patchflow/backup-svc",
                Fixtures.backupCompleted(run, Fixtures.clusterNode(targetId, clusterId))));
    }

    @Test
    void aSecondRunOnALockedClusterWaitsForTheFirstToReleaseItThenPatchesWithAHigherToken() {
        RunContext first = Fixtures.run(newRunId(), scripted(1500), false, Phases.ALL, null);
        RunContext second = Fixtures.run(newRunId(), scripted(0), false, Phases.ALL, null);

        backupCompleted(first, "pg-1", "pg-wait");
        await().atMost(ClusterLockSupport.WAIT).until(() -> executor.invocations(first.runId(), "pg-1") == 1);
        backupCompleted(second, "pg-2", "pg-wait");

        List<CloudEvent<?>> outcomes = awaitOutcomes(patches, first.runId() + "/pg-1", second.runId() + "/pg-2");
        // The second one takes no time: had it not waited for the lock, it would have finished first.
        assertThat(outcomes).extracting(CloudEvent::runId).containsExactly(first.runId(), second.runId());
        PatchApplied a = (PatchApplied) outcomes.get(0).data();
        PatchApplied b = (PatchApplied) outcomes.get(1).data();
        assertThat(a.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(b.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(a.details()).containsEntry("lock", "cluster:pg-wait");
        assertThat(Long.parseLong(b.details().get("lockToken"))).isGreaterThan(Long.parseLong(a.details()
                .get("lockToken")));
        // Released on completion: the lock document is expired, not deleted (its token keeps counting).
        assertThat(locks().find(new Document("_id", "cluster:pg-wait")).first().getDate("expiresAt"))
                .isBefore(new Date());
    }

    @Test
    void aRunWaitingLongerThanMaxWaitFailsNamingTheRunThatHoldsTheCluster() {
        Instant since = Instant.now();
        locks().insertOne(new Document("_id", "cluster:pg-busy").append("holder", "run-long/pg-9")
                .append("runId", "run-long").append("owner", "runner-elsewhere").append("since", Date.from(since))
                .append("expiresAt", Date.from(since.plusSeconds(120))).append("token", 7L));
        RunContext run = Fixtures.run(newRunId(), scripted(0), false, Phases.ALL, null);

        backupCompleted(run, "pg-3", "pg-busy");

        CloudEvent<?> outcome = awaitOutcomes(patches, run.runId() + "/pg-3").get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchFailed.class, f -> {
            assertThat(f.reason()).isEqualTo("cluster pg-busy is locked by run run-long (owner runner-elsewhere) since "
                    + Date.from(since).toInstant());
            assertThat(f.details()).containsEntry("lockHolder", "run-long").containsEntry("lockToken", "7")
                    .containsEntry("lockOwner", "runner-elsewhere");
        });
        assertThat(executor.invocations(run.runId(), "pg-3")).isZero();
    }

    @Test
    void aLockWhoseHolderDiedIsTakenOverAfterItsLeaseExpiresWithAHigherToken() {
        // What a runner killed while holding the lock leaves behind: a lease nobody refreshes any more.
        Instant expires = Instant.now().plusSeconds(2);
        locks().insertOne(new Document("_id", "cluster:pg-dead").append("holder", "run-dead/pg-0")
                .append("runId", "run-dead").append("owner", "runner-killed")
                .append("since", Date.from(expires.minusSeconds(28))).append("expiresAt", Date.from(expires))
                .append("token", 41L));
        RunContext run = Fixtures.run(newRunId(), scripted(0), false, Phases.ALL, null);

        backupCompleted(run, "pg-4", "pg-dead");

        CloudEvent<?> outcome = awaitOutcomes(patches, run.runId() + "/pg-4").get(0);
        assertThat(outcome.data()).isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(a.details()).containsEntry("lockToken", "42");
        });
        Document runTarget = mongo.getDatabase("runner").getCollection("run_targets")
                .find(new Document("_id", run.runId() + "/pg-4")).first();
        assertThat(runTarget.getDate("doneAt").toInstant()).isAfter(expires);
    }
}
