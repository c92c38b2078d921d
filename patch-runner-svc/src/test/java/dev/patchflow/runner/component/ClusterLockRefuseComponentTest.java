package dev.patchflow.runner.component;

import static dev.patchflow.runner.component.ClusterLockSupport.awaitOutcomes;
import static dev.patchflow.runner.component.ClusterLockSupport.newRunId;
import static dev.patchflow.runner.component.ClusterLockSupport.scripted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;

import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;

import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.LocksRefuseProfile;
import dev.patchflow.runner.support.Records;
import dev.patchflow.runner.support.ScriptedExecutor;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

/** {@code on-conflict=refuse}: a second run on a locked cluster fails at once, naming the holder. */
@QuarkusTest
@TestProfile(LocksRefuseProfile.class)
class ClusterLockRefuseComponentTest {

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    ScriptedExecutor executor;

    @Inject
    RunnerSettings settings;

    private InMemorySource<Object> backups;
    private InMemorySink<byte[]> patches;

    @BeforeEach
    void channels() {
        backups = connector.source(Topics.BACKUPS);
        patches = connector.sink(Topics.PATCHES);
    }

    @Test
    void aSecondRunOnALockedClusterIsRefusedNamingTheRunThatHoldsIt() {
        RunContext first = Fixtures.run(newRunId(), scripted(3000), false, Phases.ALL, null);
        RunContext second = Fixtures.run(newRunId(), scripted(0), false, Phases.ALL, null);

        backups.send(Records.batch("/patchflow/backup-svc",
                Fixtures.backupCompleted(first, Fixtures.clusterNode("mongo-1", "rs-refuse"))));
        await().atMost(ClusterLockSupport.WAIT).until(() -> executor.invocations(first.runId(), "mongo-1") == 1);
        backups.send(Records.batch("/patchflow/backup-svc",
                Fixtures.backupCompleted(second, Fixtures.clusterNode("mongo-2", "rs-refuse"))));

        List<CloudEvent<?>> outcomes = awaitOutcomes(patches, first.runId() + "/mongo-1",
                second.runId() + "/mongo-2");
        assertThat(outcomes).extracting(CloudEvent::runId).containsExactly(second.runId(), first.runId());
        assertThat(outcomes.get(0).data()).isInstanceOfSatisfying(PatchFailed.class, f -> {
            assertThat(f.reason()).startsWith("cluster rs-refuse is locked by run " + first.runId() + " (owner "
                    + settings.instanceId() + ") since ");
            assertThat(f.details()).containsEntry("lockHolder", first.runId())
                    .containsEntry("lockHolderTarget", first.runId() + "/mongo-1")
                    .containsEntry("lock", "cluster:rs-refuse");
        });
        assertThat(outcomes.get(1).data()).isInstanceOfSatisfying(PatchApplied.class,
                a -> assertThat(a.status()).isEqualTo(PatchStatus.APPLIED));
        assertThat(executor.invocations(second.runId(), "mongo-2")).isZero();
    }

    @Test
    void targetsOfTheSameRunOnOneClusterTakeTurnsInsteadOfBeingRefused() {
        RunContext run = Fixtures.run(newRunId(), scripted(300), false, Phases.ALL, "4");

        for (int i = 0; i < 3; i++) {
            backups.send(Records.batch("/patchflow/backup-svc",
                    Fixtures.backupCompleted(run, Fixtures.clusterNode("node-" + i, "rs-own"))));
        }

        List<CloudEvent<?>> outcomes = awaitOutcomes(patches, run.runId() + "/node-0", run.runId() + "/node-1",
                run.runId() + "/node-2");
        assertThat(outcomes).allSatisfy(e -> assertThat(e.data()).isInstanceOfSatisfying(PatchApplied.class,
                a -> assertThat(a.status()).isEqualTo(PatchStatus.APPLIED)));
        // One node of the cluster at a time, although the run allows 4 at once.
        assertThat(executor.maxInFlight(run.runId())).isEqualTo(1);
    }
}
