package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.testing.PatroniCluster;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.runner.support.ClusterFixtures;
import dev.patchflow.runner.support.ClusterWatch;
import dev.patchflow.runner.support.PatroniClusterResource;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.ScanCompleted;
import dev.patchflow.schemas.events.Target;

/**
 * Rolling patches of a real 3-node Patroni cluster (etcd + Patroni 3.0.2 + PostgreSQL 15 on loopback) by the
 * runner on the real broker, MongoDB-wire and S3 servers: the backups come in as events, the outcomes and the
 * cluster phases go out as events. One cluster for the class; the scenarios follow each other in order (each
 * starts from the cluster the previous one left). The update step is {@code patroni-update.sh}: it writes
 * {@code patchflow.patch_level} into the node's base configuration, which only a restart makes live, and the
 * request's {@code db-version} check reads it with {@code SHOW patchflow.patch_level}.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(PatroniClusterResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRolloutIT {

    private static final String BACKUP_SVC = "/patchflow/backup-svc";
    private static final Duration ROLLOUT = Duration.ofMinutes(5);

    @Inject
    RolloutScheduler scheduler;

    private PatroniCluster cluster;
    private KafkaProbe backups;
    private KafkaProbe patches;
    private KafkaProbe runs;
    private KafkaProbe scans;

    @BeforeEach
    void probes() {
        LocalStack stack = LocalStackTestResource.current();
        cluster = PatroniClusterResource.current();
        // Each scenario starts from a healthy cluster (the previous one may have restarted or switched nodes).
        cluster.awaitHealthy(3, Duration.ofSeconds(120));
        backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
        patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES);
        runs = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.RUNS);
        scans = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.SCANS);
    }

    /** The scenario's run: cancelled after the scenario if it is still going, so the next one gets the cluster. */
    private RunContext current;

    private RunContext track(RunContext run) {
        current = run;
        return run;
    }

    @AfterEach
    void close() {
        if (current != null) {
            scheduler.control(current.runId(), RunControlled.RunControlAction.CANCEL, "test", "scenario over");
            current = null;
        }
        backups.close();
        patches.close();
        runs.close();
        scans.close();
    }

    @Test
    @Order(1)
    void rollsReplicasFirstOneAtATimeThenSwitchesOverAndPatchesTheFormerLeader() throws Exception {
        List<Target> nodes = nodes();
        String leader = leader();
        RunContext run = track(run("2.0.0", null, Map.of(), "0"));
        List<String> updateOrder;
        try (ClusterWatch watch = new ClusterWatch(cluster, Duration.ofMillis(250))) {
            backUp(run, nodes, Instant.now());

            for (Target node : nodes) {
                PatchflowEvent outcome = awaitOutcome(run, node);
                assertThat(outcome).as(node.id() + ": " + outcome).isInstanceOf(PatchApplied.class);
            }
            awaitPhase(run, ClusterPhaseCompleted.Phase.POSTFLIGHT);

            List<ClusterWatch.Sample> samples = watch.samples();
            // Never two leaders; a write succeeded on the leader in every sample but during the switchover.
            assertThat(samples).allSatisfy(s -> assertThat(s.leaders().size()).isLessThanOrEqualTo(1));
            assertThat(samples.stream().filter(ClusterWatch.Sample::written).count())
                    .isGreaterThan(samples.size() / 2);
            assertThat(watch.longestGapWithoutWrite()).as("longest time without a write on the leader (ms)")
                    .isLessThan(20_000);
        }
        updateOrder = updateOrder("2.0.0");
        List<String> replicas = nodes.stream().map(n -> member(n)).filter(m -> !m.equals(leader)).toList();
        // Replicas first, one at a time (in the order their backups reached the runner), the leader last.
        assertThat(updateOrder).hasSize(3).endsWith(leader);
        assertThat(updateOrder.subList(0, 2)).containsExactlyInAnyOrderElementsOf(replicas);
        for (Target node : nodes) {
            assertThat(patchLevel(member(node))).as(member(node)).isEqualTo("2.0.0");
            assertThat(cluster.invocations(member(node))).filteredOn(l -> l.contains(" 2.0.0 ")).hasSize(1);
        }
        String newLeader = leader();
        assertThat(newLeader).isNotEqualTo(leader).isIn(replicas);
        // The run's own post-flight verdict is asserted below; this looks at the cluster afterwards. The former
        // leader, patched last, rejoins as a replica, and a replica may reconnect to the new leader a moment later
        // (seen once on a fresh machine: "replica node3 is not streaming from the leader" just after the run).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(
                () -> assertThat(cluster.engine().health(cluster.ref(), 1_048_576)).isEmpty());

        ClusterPhaseCompleted preflight = awaitPhase(run, ClusterPhaseCompleted.Phase.PREFLIGHT);
        ClusterPhaseCompleted clone = awaitPhase(run, ClusterPhaseCompleted.Phase.CLONE_TEST);
        ClusterPhaseCompleted postflight = awaitPhase(run, ClusterPhaseCompleted.Phase.POSTFLIGHT);
        assertThat(preflight.passed()).as(preflight.reason()).isTrue();
        assertThat(preflight.checks()).extracting(c -> c.name()).contains("backup", "cluster-health",
                "free-space:node1", "free-space:node2", "free-space:node3");
        assertThat(clone.passed()).as(clone.reason()).isTrue();
        assertThat(clone.checks()).extracting(c -> c.name() + "=" + c.passed()).contains("clone=true", "update=true",
                "clone-health=true", "version=true");
        assertThat(cluster.invocations("clone")).filteredOn(l -> l.contains(" 2.0.0 ")).hasSize(1);
        assertThat(postflight.passed()).as(postflight.reason()).isTrue();
        assertThat(postflight.checks()).extracting(c -> c.name()).contains("version:node1", "version:node2",
                "version:node3", "cluster-health");
        // The primary went last, after its role was handed over.
        PatchApplied former = (PatchApplied) awaitOutcome(run, nodes.stream().filter(n -> member(n).equals(leader))
                .findFirst().orElseThrow());
        assertThat(former.details()).containsEntry("versionAfter", "2.0.0").containsEntry("roleBefore", "replica")
                .containsEntry("executor", "db-cluster").containsKey("lockToken");
    }

    @Test
    @Order(2)
    void aFailingUpdateOnTheSecondReplicaHaltsTheRolloutWithTheLeaderUntouched() throws Exception {
        List<Target> nodes = nodes();
        String leader = leader();
        // The update fails on whichever replica is updated second.
        RunContext run = track(run("3.0.0", "@2", Map.of(), "0"));

        backUp(run, nodes, Instant.now());

        List<Target> replicas = nodes.stream().filter(n -> !member(n).equals(leader)).toList();
        List<PatchflowEvent> outcomes = List.of(awaitOutcome(run, replicas.get(0)), awaitOutcome(run, replicas.get(1)));
        assertThat(outcomes).filteredOn(PatchApplied.class::isInstance).hasSize(1);
        PatchFailed failed = (PatchFailed) outcomes.stream().filter(PatchFailed.class::isInstance).findFirst()
                .orElseThrow();
        String second = member(failed.target());
        String first = replicas.stream().map(ClusterRolloutIT::member).filter(m -> !m.equals(second)).findFirst()
                .orElseThrow();
        assertThat(updateOrder("3.0.0")).containsExactly(first, second);
        assertThat(failed.reason()).isEqualTo("update of " + second + " exited with 7: simulated update failure on "
                + second);
        RunHalted halted = awaitRunEvent(run, RunHalted.class);
        assertThat(halted.cause()).isEqualTo(RunHalted.HaltCause.BUDGET_EXCEEDED);
        Target leaderNode = nodes.stream().filter(n -> member(n).equals(leader)).findFirst().orElseThrow();
        assertThat(patches.keyAfter(run.runId() + "/" + leaderNode.id(), Duration.ofSeconds(5))).isEmpty();
        assertThat(cluster.invocations(leader)).noneMatch(l -> l.contains(" 3.0.0 "));
        assertThat(leader()).isEqualTo(leader);
        assertThat(patchLevel(leader)).isEqualTo("2.0.0");
        assertThat(patchLevel(first)).isEqualTo("3.0.0");

        // Cancelled: the leader ends NOT_STARTED, the post-flight reports the mixed versions, the lock is freed.
        scheduler.control(run.runId(), RunControlled.RunControlAction.CANCEL, "test", "scenario done");
        assertThat(awaitOutcome(run, leaderNode)).isInstanceOf(PatchNotStarted.class);
        ClusterPhaseCompleted postflight = awaitPhase(run, ClusterPhaseCompleted.Phase.POSTFLIGHT);
        assertThat(postflight.passed()).isFalse();
        assertThat(postflight.reason()).contains("version:" + leader + ": " + leader + " runs 2.0.0, expected 3.0.0");
    }

    @Test
    @Order(3)
    void aFailingCloneTestStopsTheRunBeforeAnyProductionNodeIsTouched() throws Exception {
        List<Target> nodes = nodes();
        RunContext run = track(run("4.0.0", "clone", Map.of(), "0"));

        backUp(run, nodes, Instant.now());

        ClusterPhaseCompleted clone = awaitPhase(run, ClusterPhaseCompleted.Phase.CLONE_TEST);
        assertThat(clone.passed()).isFalse();
        assertThat(clone.reason()).contains("update: update exited with 7: simulated update failure on clone");
        for (Target node : nodes) {
            PatchflowEvent outcome = awaitOutcome(run, node);
            assertThat(outcome).isInstanceOf(PatchNotStarted.class);
            assertThat(((PatchNotStarted) outcome).status()).isEqualTo(PatchNotStarted.NotStartedStatus.REFUSED);
            assertThat(((PatchNotStarted) outcome).reason()).startsWith("clone test of cluster " + cluster.clusterId()
                    + " failed: ");
            assertThat(cluster.invocations(member(node))).noneMatch(l -> l.contains(" 4.0.0 "));
        }
        assertThat(cluster.invocations("clone")).anyMatch(l -> l.contains(" 4.0.0 "));
    }

    @Test
    @Order(4)
    void aStaleBackupFailsThePreflightAndRejectsTheRunTouchingNothing() throws Exception {
        List<Target> nodes = nodes();
        RunContext run = track(run("5.0.0", null, Map.of("maxBackupAge", "24h"), "0"));

        backUp(run, nodes, Instant.now().minus(Duration.ofDays(3)));

        ClusterPhaseCompleted preflight = awaitPhase(run, ClusterPhaseCompleted.Phase.PREFLIGHT);
        assertThat(preflight.passed()).isFalse();
        assertThat(preflight.reason()).contains("backup: newest backup (pg-basebackup, s3://patchflow/backups/")
                .contains("older than the allowed 86400s");
        assertRefusedUntouched(run, nodes, "5.0.0", "preflight of cluster " + cluster.clusterId() + " failed: ");
        assertThat(runs.awaitMatching(phase(run, ClusterPhaseCompleted.Phase.CLONE_TEST), 0)).isEmpty();
    }

    @Test
    @Order(5)
    void replicationLagAboveTheThresholdFailsThePreflight() throws Exception {
        List<Target> nodes = nodes();
        String leader = leader();
        String lagging = nodes.stream().map(ClusterRolloutIT::member).filter(m -> !m.equals(leader)).findFirst()
                .orElseThrow();
        long walReceiver = walReceiverPid(lagging);
        ProcessHandle receiver = ProcessHandle.of(walReceiver).orElseThrow();
        // A real lag: the replica's WAL receiver is stopped (SIGSTOP) while the leader writes.
        signal("STOP", walReceiver);
        try {
            write(leader, 2000);
            await().atMost(Duration.ofSeconds(60)).until(() -> lagOf(lagging) > 65_536);
            RunContext run = track(run("6.0.0", null, Map.of("maxLag", "65536"), "0"));

            backUp(run, nodes, Instant.now());

            ClusterPhaseCompleted preflight = awaitPhase(run, ClusterPhaseCompleted.Phase.PREFLIGHT);
            assertThat(preflight.passed()).isFalse();
            assertThat(preflight.reason()).containsPattern("replica " + lagging
                    + " lags \\d+ bytes behind the leader, above the threshold of 65536");
            assertRefusedUntouched(run, nodes, "6.0.0", "preflight of cluster " + cluster.clusterId() + " failed: ");
        } finally {
            if (receiver.isAlive()) {
                signal("CONT", walReceiver);
            }
        }
        cluster.awaitHealthy(3, Duration.ofSeconds(120));
    }

    @Test
    @Order(6)
    void anAuditIsADryRunThatReportsEachNodesVersionAgainstTheWantedOneAndTouchesNothing() throws Exception {
        List<Target> nodes = nodes();
        Map<String, String> before = new java.util.TreeMap<>();
        for (Target node : nodes) {
            before.put(member(node), patchLevel(member(node)));
        }
        RunContext run = track(ClusterFixtures.run(cluster, "2.0.0", null, Map.of(), "0", true));

        backUp(run, nodes, Instant.now());

        for (Target node : nodes) {
            PatchApplied audited = (PatchApplied) awaitOutcome(run, node);
            String found = before.get(member(node));
            // The ledger remembers scenario 1 applied 2.0.0 (ALREADY_APPLIED), yet the node itself is asked.
            assertThat(audited.status()).isIn(dev.patchflow.schemas.events.PatchStatus.DRY_RUN,
                    dev.patchflow.schemas.events.PatchStatus.ALREADY_APPLIED);
            assertThat(audited.details()).containsEntry("versionFound", found).containsEntry("versionWanted", "2.0.0")
                    .containsEntry("drift", Boolean.toString(!"2.0.0".equals(found)));
            assertThat(patchLevel(member(node))).isEqualTo(found);
        }
        assertThat(before.values()).as("scenario 2 left one node at 3.0.0").contains("3.0.0", "2.0.0");
        // An audit has no cluster phases: nothing is locked, cloned or checked.
        assertThat(runs.keyAfter(run.runId(), Duration.ofSeconds(3))).isEmpty();
    }

    private void assertRefusedUntouched(RunContext run, List<Target> nodes, String version, String reasonPrefix) {
        for (Target node : nodes) {
            PatchflowEvent outcome = awaitOutcome(run, node);
            assertThat(outcome).isInstanceOf(PatchNotStarted.class);
            PatchNotStarted refused = (PatchNotStarted) outcome;
            assertThat(refused.status()).isEqualTo(PatchNotStarted.NotStartedStatus.REFUSED);
            assertThat(refused.reason()).startsWith(reasonPrefix);
            assertThat(cluster.invocations(member(node))).noneMatch(l -> l.contains(" " + version + " "));
        }
        assertThat(cluster.invocations("clone")).noneMatch(l -> l.contains(" " + version + " "));
    }

    // --- the cluster as targets -------------------------------------------------------------------------------

    private List<Target> nodes() {
        return ClusterFixtures.nodes(cluster);
    }

    private String leader() {
        return cluster.engine().topology(cluster.ref()).leader().map(Member::name).orElseThrow();
    }

    private static String member(Target node) {
        return node.database().member();
    }

    private RunContext run(String version, String failingMember, Map<String, String> parameters, String maxErrors) {
        return ClusterFixtures.run(cluster, version, failingMember, parameters, maxErrors, false);
    }

    /** What the scanner and backup-svc would send: the target count, then a base backup per node. */
    private void backUp(RunContext run, List<Target> nodes, Instant takenAt) {
        scans.send(Records.producerRecord("/patchflow/scanner-svc", new ScanCompleted(run, nodes.size())));
        for (Target node : nodes) {
            backups.send(Records.producerRecord(BACKUP_SVC, ClusterFixtures.baseBackup(run, cluster, node, takenAt)));
        }
    }

    // --- events ---------------------------------------------------------------------------------------------

    private PatchflowEvent awaitOutcome(RunContext run, Target node) {
        String key = run.runId() + "/" + node.id();
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            found.clear();
            found.addAll(patches.awaitMatching(r -> key.equals(r.key()), 0));
            return !found.isEmpty();
        });
        return Records.CODEC.decode(found.get(0)).data();
    }

    private ClusterPhaseCompleted awaitPhase(RunContext run, ClusterPhaseCompleted.Phase phase) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            found.clear();
            found.addAll(runs.awaitMatching(phase(run, phase), 0));
            return !found.isEmpty();
        });
        return (ClusterPhaseCompleted) Records.CODEC.decode(found.get(0)).data();
    }

    private <T extends PatchflowEvent> T awaitRunEvent(RunContext run, Class<T> type) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        await().atMost(ROLLOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            found.clear();
            found.addAll(runs.awaitMatching(r -> run.runId().equals(r.key())
                    && type.isInstance(Records.CODEC.decode(r).data()), 0));
            return !found.isEmpty();
        });
        return type.cast(Records.CODEC.decode(found.get(0)).data());
    }

    private static Predicate<ConsumerRecord<String, byte[]>> phase(RunContext run, ClusterPhaseCompleted.Phase p) {
        return r -> {
            if (!run.runId().equals(r.key())) {
                return false;
            }
            CloudEvent<?> e = Records.CODEC.decode(r);
            return e.data() instanceof ClusterPhaseCompleted c && c.phase() == p;
        };
    }

    // --- the cluster itself ---------------------------------------------------------------------------------

    /** Members in the order their update step ran for this patch level. */
    private List<String> updateOrder(String level) {
        record Call(String member, long at) {
        }
        List<Call> calls = new ArrayList<>();
        for (PatroniCluster.Node n : cluster.nodes()) {
            for (String line : cluster.invocations(n.name())) {
                String[] parts = line.split(" ");
                if (parts[1].equals(level)) {
                    calls.add(new Call(parts[0], Long.parseLong(parts[2])));
                }
            }
        }
        return calls.stream().sorted(Comparator.comparingLong(Call::at)).map(Call::member).toList();
    }

    private String patchLevel(String member) throws Exception {
        return queryOne(member, "SHOW patchflow.patch_level");
    }

    private String queryOne(String member, String sql) throws Exception {
        try (Connection c = connect(member); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private long walReceiverPid(String member) throws Exception {
        return Long.parseLong(queryOne(member, "SELECT pid FROM pg_stat_wal_receiver"));
    }

    private void write(String member, int rows) throws Exception {
        try (Connection c = connect(member); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS filler (id serial, pad text)");
            s.execute("INSERT INTO filler (pad) SELECT repeat('x', 1000) FROM generate_series(1, " + rows + ")");
        }
    }

    private long lagOf(String member) {
        Long lag = cluster.engine().topology(cluster.ref()).require(member).lagBytes();
        return lag == null ? 0 : lag;
    }

    private Connection connect(String member) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.node(member).pgPort()
                + "/postgres", "postgres", "");
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
