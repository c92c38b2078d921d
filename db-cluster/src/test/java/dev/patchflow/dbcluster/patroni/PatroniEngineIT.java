package dev.patchflow.dbcluster.patroni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.patchflow.dbcluster.CloneHandle;
import dev.patchflow.dbcluster.ClusterException;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunner;
import dev.patchflow.dbcluster.NodeUpdate;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.testing.PatroniCluster;

/**
 * The Patroni engine against a real 3-node cluster (etcd + Patroni + PostgreSQL 15 on loopback), one cluster for
 * the whole class: the scenarios follow each other (a replica patched, then a switchover, then a clone).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniEngineIT {

    static PatroniCluster cluster;
    static PatroniEngine engine;
    static Path script;

    @BeforeAll
    static void start() throws Exception {
        cluster = PatroniCluster.start(3);
        engine = cluster.engine();
        script = cluster.updateScript();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void reportsOneLeaderAndStreamingReplicas() {
        Topology topology = engine.topology(cluster.ref());
        assertThat(topology.members()).extracting(Member::name).containsExactly("node1", "node2", "node3");
        assertThat(topology.leader()).map(Member::name).contains("node1");
        assertThat(engine.health(cluster.ref(), 0)).isEmpty();
        assertThat(engine.nodeVersion(cluster.ref(), "node2", null)).startsWith("15.");
    }

    @Test
    @Order(2)
    void updateTakesEffectOnlyThroughThePatroniRestart() throws Exception {
        NodeRunner.Result result = engine.update(cluster.ref(), "node2", update("2"));
        assertThat(result.succeeded()).isTrue();
        // Written, not yet running: the server reads it at its restart.
        assertThatThrownBy(() -> engine.nodeVersion(cluster.ref(), "node2", "SHOW patchflow.patch_level"))
                .isInstanceOf(ClusterException.class);

        engine.bringBack(cluster.ref(), "node2", 0, Duration.ofSeconds(90));

        assertThat(engine.nodeVersion(cluster.ref(), "node2", "SHOW patchflow.patch_level")).isEqualTo("2");
        assertThat(engine.health(cluster.ref(), 0)).isEmpty();
    }

    @Test
    @Order(3)
    void aFailingUpdateIsAResultNamingTheExitCode() throws Exception {
        NodeUpdate failing = new NodeUpdate(List.of("sh", script.toString(), cluster.baseDir().toString(), "2",
                "node3"), null, null, Map.of(), Duration.ofSeconds(30), Files.createTempFile("update", ".log"));
        NodeRunner.Result result = engine.update(cluster.ref(), "node3", failing);
        assertThat(result.succeeded()).isFalse();
        assertThat(result.describe("update")).isEqualTo("update exited with 7: simulated update failure on node3");
    }

    @Test
    @Order(4)
    void switchoverHandsTheLeaderRoleToThePreferredReplica() {
        String leader = engine.handOver(cluster.ref(), "node1", List.of("node2"), Duration.ofSeconds(90));
        assertThat(leader).isEqualTo("node2");
        assertThat(engine.topology(cluster.ref()).leader()).map(Member::name).contains("node2");
        cluster.awaitHealthy(3, Duration.ofSeconds(90));
    }

    @Test
    @Order(5)
    void cloneIsACopyOfTheLeaderThatCanBePatchedAndIsDestroyed() throws Exception {
        CloneHandle clone = engine.cloneCluster(cluster.ref(), Duration.ofSeconds(120));
        try {
            assertThat(clone.source()).isEqualTo("node2");
            assertThat(engine.cloneHealth(clone)).isEmpty();
            // The clone has the leader's base settings (node2 was patched to level 2).
            assertThat(engine.cloneVersion(clone, "SHOW patchflow.patch_level")).isEqualTo("2");

            NodeRunner.Result patched = engine.patchClone(clone, update("3"), Duration.ofSeconds(60));

            assertThat(patched.succeeded()).isTrue();
            assertThat(engine.cloneVersion(clone, "SHOW patchflow.patch_level")).isEqualTo("3");
        } finally {
            engine.destroyClone(clone);
        }
        assertThat(clone.dataDir()).doesNotExist();
        // Production untouched by the clone's patch.
        assertThat(engine.nodeVersion(cluster.ref(), "node2", "SHOW patchflow.patch_level")).isEqualTo("2");
    }

    private static NodeUpdate update(String level) throws Exception {
        return new NodeUpdate(List.of("sh", script.toString(), cluster.baseDir().toString(), level), null, null,
                Map.of(), Duration.ofSeconds(30), Files.createTempFile("update", ".log"));
    }
}
