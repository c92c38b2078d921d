package dev.patchflow.dbcluster.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunner;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.NodeUpdate;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.testing.MongoReplicaSetStandIn;
import dev.patchflow.schemas.events.Target;

/**
 * The replica set engine through the real MongoDB driver against the wire-level stand-in (no mongod can be
 * installed here): the driver's hello, replSetGetStatus, buildInfo and replSetStepDown, answered in mongod's
 * shapes.
 */
class MongoReplicaSetEngineTest {

    MongoReplicaSetStandIn set;
    MongoReplicaSetEngine engine;
    ClusterRef ref;

    @BeforeEach
    void start() {
        set = new MongoReplicaSetStandIn("rs0", 3, "7.0.11");
        engine = new MongoReplicaSetEngine(new NodeRunners(List.of(set.nodeRunner())), Duration.ofMillis(100),
                Duration.ofSeconds(3));
        ref = new ClusterRef("rs0", Target.KIND_MONGODB_REPLICA_SET, set.hosts(), null, null, "stand-in");
    }

    @AfterEach
    void stop() {
        set.close();
    }

    @Test
    void readsRolesFromReplSetGetStatusAndVersionsFromBuildInfo() {
        Topology t = engine.topology(ref);

        assertThat(t.leader()).map(Member::name).contains(set.hosts().get(0));
        assertThat(t.members()).filteredOn(m -> !m.leader()).extracting(Member::state).containsOnly("SECONDARY");
        assertThat(engine.health(ref, 10)).isEmpty();
        assertThat(engine.nodeVersion(ref, set.hosts().get(1), null)).isEqualTo("7.0.11");
    }

    @Test
    void readsRolesFromHelloWhereReplSetGetStatusIsNotAllowed() {
        set.forbidStatus();

        Topology t = engine.topology(ref);

        assertThat(t.leader()).map(Member::name).contains(set.primary());
        assertThat(t.members()).extracting(Member::state).containsExactly("PRIMARY", "SECONDARY", "SECONDARY");
        assertThat(t.members()).filteredOn(m -> !m.leader()).extracting(Member::lagBytes).containsOnlyNulls();
    }

    @Test
    void reportsALaggingSecondaryAsUnhealthy() {
        set.lag(set.hosts().get(2), 120);

        assertThat(engine.health(ref, 10)).containsExactly("member " + set.hosts().get(2)
                + " lags 120s behind the primary, above the threshold of 10s");
    }

    @Test
    void patchesSecondariesOneAtATimeThenStepsThePrimaryDown() throws Exception {
        String primary = set.primary();
        List<String> secondaries = set.hosts().stream().filter(h -> !h.equals(primary)).toList();
        for (String s : secondaries) {
            NodeRunner.Result r = engine.update(ref, s, update(null));
            assertThat(r.succeeded()).isTrue();
            engine.bringBack(ref, s, 10, Duration.ofSeconds(10));
            assertThat(engine.nodeVersion(ref, s, null)).isEqualTo("7.0.12");
        }

        String newPrimary = engine.handOver(ref, primary, secondaries, Duration.ofSeconds(10));
        assertThat(newPrimary).isIn(secondaries);
        engine.update(ref, primary, update(null));
        engine.bringBack(ref, primary, 10, Duration.ofSeconds(10));

        assertThat(set.hosts()).allSatisfy(h -> assertThat(set.version(h)).isEqualTo("7.0.12"));
        assertThat(engine.health(ref, 10)).isEmpty();
        assertThat(set.commands()).containsExactly(
                secondaries.get(0) + ": mongod-stop", secondaries.get(0) + ": install 7.0.12",
                secondaries.get(0) + ": mongod-start",
                secondaries.get(1) + ": mongod-stop", secondaries.get(1) + ": install 7.0.12",
                secondaries.get(1) + ": mongod-start",
                primary + ": mongod-stop", primary + ": install 7.0.12", primary + ": mongod-start");
    }

    @Test
    void aFailingInstallStopsBeforeTheStartCommand() throws Exception {
        String s = set.hosts().get(1);
        NodeRunner.Result r = engine.update(ref, s, update(s));

        assertThat(r.succeeded()).isFalse();
        assertThat(r.describe("update")).isEqualTo("update exited with 5: install failed on " + s);
        assertThat(set.commands()).containsExactly(s + ": mongod-stop", s + ": install 7.0.12 " + s);
    }

    private static NodeUpdate update(String failOn) throws Exception {
        List<String> install = failOn == null ? List.of("install", "7.0.12") : List.of("install", "7.0.12", failOn);
        return new NodeUpdate(install, List.of("mongod-stop"), List.of("mongod-start"), Map.of(),
                Duration.ofSeconds(10), Files.createTempFile("update", ".log"));
    }
}
