package dev.patchflow.runner.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.TargetState;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The target records and the two keyed sets beside them, against a MongoDB-wire server: what the dispatcher
 * finds without a key is found in the dispatch queue (READY) and the claims (executing, or outcome not yet
 * acknowledged), never by looking through every record.
 */
class MongoRunTargetStoreTest {

    private static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");

    @TempDir
    Path work;

    private MongoServer server;
    private MongoClient client;
    private MongoRunTargetStore store;
    private final RunContext run = Fixtures.run("run-1", Fixtures.patch("demo-app", "1.1.0", "process", List.of(),
            30), false, Phases.ALL, null);

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://" + address.getHostString() + ":" + address.getPort());
        RunnerSettings settings = new RunnerSettings(4, 16, Duration.ofMinutes(10), Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10), 20, work, "runner-a",
                "/patchflow/patch-runner-svc");
        store = new MongoRunTargetStore(new RunnerDatabase(client, "runner"), settings);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void readyTargetsAreFoundInTheDispatchQueueUntilTheyAreClaimed() {
        insert("t1", "t2");
        store.insertIfAbsent(RunTarget.done(run, Fixtures.staticTarget("t3"), failed("t3"), T0));

        assertThat(store.findReady(T0, 10)).extracting(RunTargetStore.ReadyTarget::targetId)
                .containsExactlyInAnyOrder("t1", "t2");
        assertThat(store.claim(id("t1"), "runner-a", T0, T0.plusSeconds(60), 7))
                .isInstanceOfSatisfying(RunTargetStore.Claimed.class, c -> {
                    assertThat(c.before()).isEqualTo(TargetState.READY);
                    assertThat(c.record().state()).isEqualTo(TargetState.RUNNING);
                });
        assertThat(store.findReady(T0, 10)).extracting(RunTargetStore.ReadyTarget::targetId).containsExactly("t2");
        assertThat(store.facts(List.of(id("t1"))).get(id("t1")).slot()).isEqualTo(7);
    }

    @Test
    void aClaimIsExclusiveWhileItsLeaseLastsAndTakenOverAfter() {
        insert("t1");
        store.claim(id("t1"), "runner-a", T0, T0.plusSeconds(60), 1);

        assertThat(store.claim(id("t1"), "runner-b", T0.plusSeconds(30), T0.plusSeconds(90), 1))
                .isInstanceOfSatisfying(RunTargetStore.Held.class, h -> assertThat(h.owner()).isEqualTo("runner-a"));
        assertThat(store.claim(id("t1"), "runner-b", T0.plusSeconds(61), T0.plusSeconds(121), 1))
                .isInstanceOf(RunTargetStore.Claimed.class);
        assertThat(store.find(id("t1")).orElseThrow().owner()).isEqualTo("runner-b");
    }

    @Test
    void aClaimTakenOverFromADeadRunnerCarriesTheChildItRecordedAndAFirstClaimNone() {
        insert("t1");
        MongoAdoptionStore adoption = new MongoAdoptionStore(new RunnerDatabase(client, "runner"), store);
        RunTargetStore.Claimed first = (RunTargetStore.Claimed) store.claim(id("t1"), "runner-dead", T0,
                T0.plusSeconds(60), 1);
        ChildProcess child = new ChildProcess(4242, T0.plusSeconds(1), "/tmp/out.log", "/tmp/out.log.exit");
        adoption.recordChild(id("t1"), child, T0.plusSeconds(1));

        RunTargetStore.Claim again = store.claim(id("t1"), "runner-b", T0.plusSeconds(61), T0.plusSeconds(121), 1);

        assertThat(first.record().child()).isNull();
        assertThat(again).isInstanceOfSatisfying(RunTargetStore.Claimed.class,
                c -> assertThat(c.record().child()).isEqualTo(child));
    }

    @Test
    void aTargetWithARecordedOutcomeIsNeverClaimedAgain() {
        insert("t1");
        store.claim(id("t1"), "runner-a", T0, T0.plusSeconds(60), 1);
        store.complete(id("t1"), applied("t1"), T0.plusSeconds(1));
        store.markEmitted(id("t1"), T0.plusSeconds(1));

        assertThat(store.claim(id("t1"), "runner-b", T0.plusSeconds(2), T0.plusSeconds(62), 2))
                .isInstanceOf(RunTargetStore.Settled.class);
        assertThat(store.find(id("t1")).orElseThrow().state()).isEqualTo(TargetState.DONE);
    }

    @Test
    void anExpiredClaimSendsItsTargetBackToTheQueueAndADoneOneOnlyLetsGo() {
        insert("t1", "t2");
        store.claim(id("t1"), "runner-dead", T0, T0.plusSeconds(60), 1);
        store.claim(id("t2"), "runner-dead", T0, T0.plusSeconds(60), 1);
        store.complete(id("t2"), applied("t2"), T0.plusSeconds(1));
        store.markEmitted(id("t2"), T0.plusSeconds(1));

        List<RunTargetStore.ReadyTarget> released = store.releaseExpired(T0.plusSeconds(61));

        assertThat(released).extracting(RunTargetStore.ReadyTarget::targetId).containsExactly("t1");
        assertThat(store.find(id("t1")).orElseThrow().state()).isEqualTo(TargetState.READY);
        assertThat(store.findReady(T0.plusSeconds(61), 10)).extracting(RunTargetStore.ReadyTarget::targetId)
                .containsExactly("t1");
        assertThat(store.findRunning(10)).isEmpty();
    }

    @Test
    void anOutcomeKafkaDidNotAcknowledgeIsFoundThroughItsClaimUntilItIs() {
        store.insertIfAbsent(RunTarget.done(run, Fixtures.staticTarget("t1"), failed("t1"), T0));
        store.keepForResend(id("t1"), "runner-a", T0);

        assertThat(store.findUnemitted(T0.plusSeconds(1), 10)).extracting(RunTarget::targetId).containsExactly("t1");
        store.markEmitted(id("t1"), T0.plusSeconds(2));
        assertThat(store.findUnemitted(T0.plusSeconds(3), 10)).isEmpty();
    }

    @Test
    void aBatchInsertKeepsTheFirstRecordAndNamesTheAttemptThatWroteIt() {
        List<RunTargetStore.Stored> first = store.insertAllIfAbsent(
                List.of(RunTarget.ready(run, Fixtures.staticTarget("t1"), T0)), Map.of(id("t1"), "n1"));
        List<RunTargetStore.Stored> again = store.insertAllIfAbsent(
                List.of(RunTarget.done(run, Fixtures.staticTarget("t1"), failed("t1"), T0),
                        RunTarget.ready(run, Fixtures.staticTarget("t2"), T0)),
                Map.of(id("t1"), "n2", id("t2"), "n3"));

        assertThat(first.get(0).inserted()).isTrue();
        assertThat(again.get(0).inserted()).isFalse();
        assertThat(again.get(0).arrivalNonce()).isEqualTo("n1");
        assertThat(again.get(0).record().state()).isEqualTo(TargetState.READY);
        assertThat(again.get(1).inserted()).isTrue();
    }

    @Test
    void aClaimThatFindsTheQueueEntryBeforeItsRecordLeavesTheEntryForWhenTheRecordIsWritten() {
        // The intake writes the queue entry, then the record; a dispatcher reading the queue in between must not
        // drop the entry (the target would be READY and found by nobody).
        insert("t1");
        client.getDatabase("runner").getCollection(RunnerDatabase.RUN_TARGETS)
                .deleteOne(new org.bson.Document("_id", id("t1")));

        assertThat(store.claim(id("t1"), "runner-a", T0.plusSeconds(1), T0.plusSeconds(61), 7))
                .isInstanceOfSatisfying(RunTargetStore.Settled.class, s -> assertThat(s.record()).isEmpty());
        assertThat(store.findReady(T0.plusSeconds(1), 10)).extracting(RunTargetStore.ReadyTarget::targetId)
                .containsExactly("t1");

        store.insertIfAbsent(RunTarget.ready(run, Fixtures.staticTarget("t1"), T0));
        assertThat(store.claim(id("t1"), "runner-a", T0.plusSeconds(2), T0.plusSeconds(62), 8))
                .isInstanceOf(RunTargetStore.Claimed.class);
    }

    @Test
    void aQueueEntryWhoseRecordNeverCameIsDroppedOnceOlderThanTheLeaseGrace() {
        insert("t1");
        client.getDatabase("runner").getCollection(RunnerDatabase.RUN_TARGETS)
                .deleteOne(new org.bson.Document("_id", id("t1")));

        assertThat(store.claim(id("t1"), "runner-a", T0.plusSeconds(61), T0.plusSeconds(121), 7))
                .isInstanceOf(RunTargetStore.Settled.class);
        assertThat(store.findReady(T0.plusSeconds(61), 10)).isEmpty();
    }

    private void insert(String... targetIds) {
        for (String t : targetIds) {
            store.insertIfAbsent(RunTarget.ready(run, Fixtures.staticTarget(t), T0));
        }
    }

    private String id(String targetId) {
        return RunTarget.idOf(run.runId(), targetId);
    }

    private PatchApplied applied(String targetId) {
        return new PatchApplied(run, Fixtures.staticTarget(targetId), PatchStatus.APPLIED, 0, null, null, 1L,
                Map.of());
    }

    private PatchFailed failed(String targetId) {
        return new PatchFailed(run, Fixtures.staticTarget(targetId), "not patched: backup failed: disk full", null,
                null, null, null, Map.of());
    }
}
