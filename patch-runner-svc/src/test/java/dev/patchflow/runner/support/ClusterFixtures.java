package dev.patchflow.runner.support;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.testing.PatroniCluster;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** A Patroni cluster as the pipeline shows it to the runner: its nodes as targets, a request, base backups. */
public final class ClusterFixtures {

    private ClusterFixtures() {
    }

    /**
     * The cluster's nodes as the scanner's database provider emits them (the leader is the primary), replicas first:
     * the order their backups reach the runner.
     */
    public static List<Target> nodes(PatroniCluster cluster) {
        Topology t = cluster.engine().topology(cluster.ref());
        List<Target> nodes = new ArrayList<>();
        for (Member m : t.members()) {
            PatroniCluster.Node node = cluster.node(m.name());
            nodes.add(new Target(cluster.clusterId() + "." + m.name(), m.name(), Target.KIND_POSTGRES_PATRONI, "test",
                    "lz-db", Map.of(), "127.0.0.1", "linux", "x86_64", "running", null, null, cluster.clusterId(),
                    m.leader() ? "primary" : "secondary", null, null,
                    new DatabaseTarget(Target.KIND_POSTGRES_PATRONI,
                            "jdbc:postgresql://127.0.0.1:" + node.pgPort() + "/postgres", null, null, node.apiUrl(),
                            m.name(), "local")));
        }
        nodes.sort(Comparator.comparing((Target n) -> "primary".equals(n.role())).thenComparing(Target::id));
        return nodes;
    }

    /**
     * A {@code db-cluster} request whose update step is the cluster's {@code patroni-update.sh} setting
     * {@code patchflow.patch_level} to {@code version} (failing on {@code failingMember}, if given), checked with
     * {@code db-version} ({@code SHOW patchflow.patch_level}) and {@code db-cluster}; one node at a time.
     */
    public static RunContext run(PatroniCluster cluster, String version, String failingMember,
            Map<String, String> parameters, String maxErrors, boolean dryRun) {
        List<String> command = new ArrayList<>(List.of("sh", cluster.updateScript().toString(),
                cluster.baseDir().toString(), version));
        if (failingMember != null) {
            command.add(failingMember);
        }
        Map<String, String> p = new HashMap<>(Map.of("versionQuery", "SHOW patchflow.patch_level"));
        p.putAll(parameters);
        PatchSpec patch = new PatchSpec("postgres-settings", version, "db-cluster", command, 120, p);
        RolloutPolicy rollout = new RolloutPolicy("rolling", "1", null, null, maxErrors, null, null);
        List<CheckSpec> checks = List.of(new CheckSpec("version", CheckSpec.DB_VERSION, null, null, null, null, null),
                new CheckSpec("cluster", CheckSpec.DB_CLUSTER, null, null, null, null, null));
        return new RunContext("run-" + UUID.randomUUID(), Instant.now(), "alice", patch,
                new TargetSelector("database", "clusters.yaml", null, List.of(), Map.of()),
                new RunOptions(dryRun, Phases.ALL, rollout, checks));
    }

    /** The cluster's base backup as backup-svc reports it for each node, taken at {@code takenAt}. */
    public static BackupCompleted baseBackup(RunContext run, PatroniCluster cluster, Target node, Instant takenAt) {
        return new BackupCompleted(run, node, BackupStatus.COMPLETED,
                "s3://patchflow/backups/" + run.runId() + "/" + cluster.clusterId() + ".base.tar.gz", null, 1024L, null,
                Instant.now(), "pg-basebackup",
                BackupCompleted.details(Map.of("takenAt", takenAt.toString(), "source", "node1")));
    }
}
