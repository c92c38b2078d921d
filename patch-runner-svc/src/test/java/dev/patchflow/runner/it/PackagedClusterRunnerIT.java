package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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

    private final List<Process> services = new ArrayList<>();

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

    @AfterEach
    void stopServices() throws InterruptedException {
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
    }

    @Test
    void aRunnerKilledMidRolloutContinuesWhereItWasWithoutPatchingANodeTwice() throws Exception {
        LocalStack stack = localStack.stack();
        List<Target> nodes = ClusterFixtures.nodes(cluster);
        String leader = nodes.get(2).database().member();
        String instanceId = "cluster-runner-it-" + System.nanoTime();
        Path parked = dir.resolve("parked");
        Process first = start(stack, "cluster-first", "-Dpatchflow.runner.instance-id=" + instanceId,
                "-Dpatchflow.db-cluster.test-only-pause-after-update=" + leader,
                "-Dpatchflow.db-cluster.test-only-pause-signal=" + parked);
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
            first.destroyForcibly().waitFor();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> outcomes(patches, run, nodes.get(0)).size() == 1
                            && outcomes(patches, run, nodes.get(1)).size() == 1);
            assertThat(outcomes(patches, run, nodes.get(2))).isEmpty();
            assertThat(patchLevel(leader)).as("updated, not yet restarted").isNotEqualTo("7.0.0");
            assertThat(cluster.engine().topology(cluster.ref()).leader().orElseThrow().name()).isNotEqualTo(leader);

            start(stack, "cluster-second", "-Dpatchflow.runner.instance-id=" + instanceId);

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
    private Process start(LocalStack stack, String name, String... extraProperties) throws IOException {
        Path jar = Path.of(System.getProperty("quarkus-run.jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("package the module first (mvn verify)").exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // As the launcher starts it: the JVM's defaults cost about half as much CPU again until it is ready.
        command.addAll(ServiceProcess.DEFAULT_JVM_OPTIONS);
        stack.serviceProperties().forEach((key, value) -> command.add("-D" + key + "=" + value));
        int port = freePort();
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dpatchflow.runner.lease-grace=1s");
        command.add("-Dpatchflow.runner.lease-check-interval=1s");
        command.add("-Dpatchflow.runner.poll-interval=200ms");
        command.add("-Dpatchflow.runner.locks.ttl=6s");
        command.add("-Dpatchflow.db-cluster.clone-dir=" + cluster.baseDir().resolve("clones"));
        command.add("-Dpatchflow.db-cluster.postgres.run-as=postgres");
        command.add("-Dpatchflow.db-cluster.free-space-path=/tmp");
        command.add("-Dpatchflow.db-cluster.min-free-bytes=1024");
        command.add("-Dpatchflow.db-cluster.step-timeout=2m");
        command.add("-Dpatchflow.db-cluster.poll=300ms");
        command.addAll(List.of(extraProperties));
        command.add("-jar");
        command.add(jar.toString());
        Path log = Path.of("target", "packaged-runner-" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        services.add(process);
        awaitReady(process, port, name);
        return process;
    }

    private static void awaitReady(Process service, int port, String name) {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(service.isAlive()).as("runner exited, see target/packaged-runner-" + name + ".log").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
