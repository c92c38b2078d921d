package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.dbcluster.testing.PatroniCluster;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.support.ClusterFixtures;
import dev.patchflow.runner.support.PackagedRunners;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;

/**
 * The packaged runner ({@code java -jar quarkus-run.jar}, started as PackagedRunnerIT and the launcher start it)
 * rolling a real 3-node Patroni cluster, killed with SIGKILL in the middle: parked by the test-only hook right
 * after the former leader's update was recorded (both replicas done, the switchover done), killed, restarted with
 * the same instance id. It finds where it was: the replicas are done (not touched again), the former leader is
 * restarted without running its update a second time; every update step ran exactly once. (The replicas' order
 * depends on which Kafka partition delivers first; the leader is always last, so the kill lands there.)
 */
class PackagedClusterRunnerIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    static PatroniCluster cluster;

    @TempDir
    Path dir;

    @RegisterExtension
    final PackagedRunners runners = new PackagedRunners();

    @BeforeAll
    static void startCluster() {
        cluster = PatroniCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRunnerKilledMidRolloutContinuesWhereItWasWithoutPatchingANodeTwice() throws Exception {
        LocalStack stack = localStack.stack();
        List<Target> nodes = ClusterFixtures.nodes(cluster);
        String leader = nodes.get(2).database().member();
        String instanceId = "cluster-runner-it-" + System.nanoTime();
        Path parked = dir.resolve("parked");
        ServiceProcess first = start(stack, "cluster-first", Map.of("patchflow.runner.instance-id", instanceId,
                "patchflow.db-cluster.test-only-pause-after-update", leader,
                "patchflow.db-cluster.test-only-pause-signal", parked.toString()));
        RunContext run = ClusterFixtures.run(cluster, "7.0.0", null, Map.of(), "0", false);

        try (KafkaProbe scans = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.SCANS);
                KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
                KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES);
                KafkaProbe runs = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.RUNS)) {
            scans.send(Records.producerRecord("/patchflow/scanner-svc", new ScanCompleted(run, nodes.size())));
            for (Target node : nodes) {
                backups.send(Records.producerRecord("/patchflow/backup-svc",
                        ClusterFixtures.baseBackup(run, cluster, node, Instant.now())));
            }
            // Mid-rollout: both replicas patched, the leader role handed over, the former leader's update recorded.
            await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(parked));
            first.kill();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> outcomes(patches, run, nodes.get(0)).size() == 1
                            && outcomes(patches, run, nodes.get(1)).size() == 1);
            assertThat(outcomes(patches, run, nodes.get(2))).isEmpty();
            assertThat(patchLevel(leader)).as("updated, not yet restarted").isNotEqualTo("7.0.0");
            assertThat(cluster.engine().topology(cluster.ref()).leader().orElseThrow().name()).isNotEqualTo(leader);

            start(stack, "cluster-second", Map.of("patchflow.runner.instance-id", instanceId));

            for (Target node : nodes) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                        .until(() -> !outcomes(patches, run, node).isEmpty());
                List<ConsumerRecord<String, byte[]>> records = outcomes(patches, run, node);
                assertThat(records.stream().map(r -> new String(r.headers().lastHeader("ce_id").value())).distinct())
                        .as("outcome events of %s", node.id()).hasSize(1);
                PatchApplied applied = Records.CODEC.decode(records.get(0)).as(PatchApplied.class).data();
                assertThat(applied.status()).as(node.id()).isEqualTo(PatchStatus.APPLIED);
                assertThat(patchLevel(node.database().member())).isEqualTo("7.0.0");
                assertThat(cluster.invocations(node.database().member())).as("update steps of %s", node.id())
                        .filteredOn(l -> l.contains(" 7.0.0 ")).hasSize(1);
            }
            PatchApplied resumed = Records.CODEC.decode(outcomes(patches, run, nodes.get(2)).get(0))
                    .as(PatchApplied.class).data();
            assertThat(resumed.details()).containsEntry("update",
                    "recorded as done before a restart of the runner; not run again");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> runs
                    .awaitMatching(r -> run.runId().equals(r.key()), 0).stream().map(Records.CODEC::decode)
                    .map(CloudEvent::data).anyMatch(e -> e instanceof ClusterPhaseCompleted c
                            && c.phase() == ClusterPhaseCompleted.Phase.POSTFLIGHT && c.passed()));
        }
    }

    private static List<ConsumerRecord<String, byte[]>> outcomes(KafkaProbe patches, RunContext run, Target node) {
        String key = run.runId() + "/" + node.id();
        return patches.awaitMatching(r -> key.equals(r.key()), 0);
    }

    private static String patchLevel(String member) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
                + cluster.node(member).pgPort() + "/postgres", "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT current_setting('patchflow.patch_level', true)")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The packaged runner as the launcher starts it, plus this cluster's clone and free-space settings. */
    private ServiceProcess start(LocalStack stack, String name, Map<String, String> extraProperties)
            throws IOException, InterruptedException {
        Map<String, String> properties = PackagedRunners.withQuickLeases(stack);
        properties.put("patchflow.runner.locks.ttl", "6s");
        properties.put("patchflow.db-cluster.clone-dir", cluster.baseDir().resolve("clones").toString());
        properties.put("patchflow.db-cluster.postgres.run-as", "postgres");
        properties.put("patchflow.db-cluster.free-space-path", "/tmp");
        properties.put("patchflow.db-cluster.min-free-bytes", "1024");
        properties.put("patchflow.db-cluster.step-timeout", "2m");
        properties.put("patchflow.db-cluster.poll", "300ms");
        properties.putAll(extraProperties);
        return runners.start("packaged-runner-" + name, properties);
    }
}
