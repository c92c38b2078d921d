package dev.patchflow.runner.domain.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.patchflow.dbcluster.CloneHandle;
import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.ClusterRefs;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunner;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.NodeUpdate;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.Waits;
import dev.patchflow.dbcluster.checks.DbChecks;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.ClusterPhaseCompleted.Phase;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The three phases of a database cluster's rollout, each a list of checks that becomes one
 * {@link ClusterPhaseCompleted}:
 * <ul>
 * <li>{@link #preflight}: free space on every node (through its node runner: {@code df -Pk <path>}), a backup of
 * the cluster younger than {@code maxBackupAge}, every member healthy with lag at most {@code maxLag};</li>
 * <li>{@link #cloneTest}: an ephemeral clone, patched with the request's command, checked with the request's
 * database checks and {@code clone-health}, destroyed;</li>
 * <li>{@link #postflight}: the request's {@code db-version} checks on every node and {@code db-cluster} on the
 * cluster as a whole (one leader, every replica streaming).</li>
 * </ul>
 * Pure orchestration over the engine: no state, no framework.
 */
public final class ClusterPhases {

    /** How long the post-flight lets a cluster settle (replicas reconnecting to a new leader) before judging it. */
    static final Duration POSTFLIGHT_SETTLE = Duration.ofSeconds(60);
    private static final Duration SETTLE_POLL = Duration.ofMillis(500);

    private final NodeRunners runners;
    private final DbChecks checks;
    private final ClusterSettings settings;
    private final Clock clock;

    public ClusterPhases(NodeRunners runners, DbChecks checks, ClusterSettings settings, Clock clock) {
        this.runners = runners;
        this.checks = checks;
        this.settings = settings;
        this.clock = clock;
    }

    public ClusterPhaseCompleted preflight(RunContext run, ClusterEngine engine, ClusterRef cluster,
            List<ClusterRolloutStore.BackupFact> backups) {
        DbParameters p = DbParameters.of(run.patch(), settings);
        List<CheckResult> results = new ArrayList<>();
        Map<String, String> details = new TreeMap<>();
        Topology topology = null;
        try {
            topology = engine.topology(cluster);
        } catch (RuntimeException e) {
            results.add(new CheckResult("topology", "topology", false, e.getMessage()));
        }
        if (topology != null) {
            for (Member m : topology.members()) {
                results.add(freeSpace(cluster, m, p));
            }
        }
        results.add(backup(backups, p, details));
        List<String> problems = engine.health(cluster, p.maxLag());
        results.add(new CheckResult("cluster-health", CheckSpec.DB_CLUSTER, problems.isEmpty(),
                problems.isEmpty()
                        ? "one leader, every replica streaming with lag at most " + p.maxLag()
                        : String.join("; ", problems)));
        details.put("maxLag", Long.toString(p.maxLag()));
        return completed(run, cluster, Phase.PREFLIGHT, results, details);
    }

    private CheckResult freeSpace(ClusterRef cluster, Member m, DbParameters p) {
        String name = "free-space:" + m.name();
        Path out = null;
        try {
            out = Files.createTempFile("patchflow-df-", ".log");
            NodeRunner.Result r = runners.require(cluster.nodeRunner()).run(
                    new NodeRunner.NodeAddress(cluster.clusterId(), m.name(), m.host(), Map.of()),
                    List.of("df", "-Pk", p.freeSpacePath()), Map.of(), Duration.ofSeconds(30), out);
            if (!r.succeeded()) {
                return new CheckResult(name, "free-space", false, r.describe("df -Pk " + p.freeSpacePath()));
            }
            long free = availableBytes(Files.readAllLines(out));
            boolean ok = free >= p.minFreeBytes();
            return new CheckResult(name, "free-space", ok, m.name() + " has " + free + " bytes free at "
                    + p.freeSpacePath() + (ok ? "" : ", below the required " + p.minFreeBytes()));
        } catch (IOException | RuntimeException e) {
            return new CheckResult(name, "free-space", false, String.valueOf(e.getMessage()));
        } finally {
            deleteQuietly(out);
        }
    }

    /** POSIX {@code df -Pk}: the second line's fourth column is the available space in KiB. */
    static long availableBytes(List<String> dfOutput) {
        for (String line : dfOutput) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length >= 6 && cols[3].matches("\\d+")) {
                return Long.parseLong(cols[3]) * 1024;
            }
        }
        throw new IllegalArgumentException("cannot read the free space from df: " + String.join(" | ", dfOutput));
    }

    private CheckResult backup(List<ClusterRolloutStore.BackupFact> backups, DbParameters p,
            Map<String, String> details) {
        Optional<ClusterRolloutStore.BackupFact> newest = backups.stream()
                .filter(b -> b.takenAt() != null).max(Comparator.comparing(ClusterRolloutStore.BackupFact::takenAt));
        if (newest.isEmpty()) {
            return new CheckResult("backup", "backup", false, "no backup of the cluster was made for this run "
                    + "(backup phase off, or no node got a restore point)");
        }
        Duration age = Duration.between(newest.get().takenAt(), clock.instant());
        details.put("backupLocation", String.valueOf(newest.get().location()));
        details.put("backupTakenAt", newest.get().takenAt().toString());
        boolean fresh = age.compareTo(p.maxBackupAge()) <= 0;
        return new CheckResult("backup", "backup", fresh, "newest backup (" + newest.get().method() + ", "
                + newest.get().location() + ") taken " + age.toSeconds() + "s ago"
                + (fresh ? "" : ", older than the allowed " + p.maxBackupAge().toSeconds() + "s"));
    }

    /**
     * Clones the cluster, patches the clone with the request's command, runs the request's database checks (and
     * {@code clone-health}) against it and destroys it, whatever happened.
     */
    public ClusterPhaseCompleted cloneTest(RunContext run, ClusterEngine engine, ClusterRef cluster,
            Map<String, String> environment) {
        List<CheckResult> results = new ArrayList<>();
        Map<String, String> details = new TreeMap<>();
        CloneHandle clone;
        try {
            clone = engine.cloneCluster(cluster, settings.stepTimeout());
        } catch (RuntimeException e) {
            results.add(new CheckResult("clone", "clone", false, String.valueOf(e.getMessage())));
            return completed(run, cluster, Phase.CLONE_TEST, results, details);
        }
        Path out = null;
        try {
            details.putAll(clone.details());
            details.put("port", Integer.toString(clone.port()));
            results.add(new CheckResult("clone", "clone", true, "cloned from " + clone.source() + " to "
                    + clone.host() + ":" + clone.port()));
            out = Files.createTempFile("patchflow-clone-", ".log");
            DbParameters p = DbParameters.of(run.patch(), settings);
            NodeRunner.Result update = engine.patchClone(clone, new NodeUpdate(run.patch().command(),
                    p.stopCommand(), p.startCommand(), environment, settings.stepTimeout(), out),
                    settings.stepTimeout());
            results.add(new CheckResult("update", "clone-update", update.succeeded(), update.describe("update")));
            if (update.succeeded()) {
                List<String> problems = engine.cloneHealth(clone);
                results.add(new CheckResult("clone-health", CheckSpec.DB_CLUSTER, problems.isEmpty(),
                        problems.isEmpty() ? "the clone runs and takes writes" : String.join("; ", problems)));
                List<String> notRun = new ArrayList<>();
                for (CheckSpec spec : run.options().checks()) {
                    if (DbChecks.handles(spec.type())) {
                        results.add(checks.onClone(spec, clone, run));
                    } else {
                        notRun.add(spec.name());
                    }
                }
                if (!notRun.isEmpty()) {
                    // Command and HTTP checks address production nodes; the validator runs them after each node.
                    details.put("notRunOnClone", String.join(",", notRun));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            results.add(new CheckResult("clone-test", "clone", false, String.valueOf(e.getMessage())));
        } finally {
            engine.destroyClone(clone);
            deleteQuietly(out);
        }
        return completed(run, cluster, Phase.CLONE_TEST, results, details);
    }

    /**
     * The cluster's health once it has settled. Each node was brought back streaming, but after the switchover the
     * replicas patched before it reconnect to the new leader on their own, a few seconds later: judged at once, a
     * healthy rollout was reported as "replica … is not streaming from the leader" (seen on Patroni 3.0.2). A cluster
     * whose problems last longer than {@link #POSTFLIGHT_SETTLE} is reported with them.
     */
    private static List<String> settledHealth(ClusterEngine engine, ClusterRef cluster, long maxLag) {
        return Waits.settle(POSTFLIGHT_SETTLE, SETTLE_POLL, () -> engine.health(cluster, maxLag), List::isEmpty,
                e -> List.of(String.valueOf(e.getMessage()))); // between states: look again
    }

    /** The request's database checks on every node, and the cluster as a whole. */
    public ClusterPhaseCompleted postflight(RunContext run, ClusterEngine engine, ClusterRef cluster,
            List<Target> nodes) {
        List<CheckResult> results = new ArrayList<>();
        for (Target node : nodes) {
            for (CheckSpec spec : run.options().checks()) {
                if (CheckSpec.DB_VERSION.equals(spec.type())) {
                    CheckResult r = checks.onNode(spec, node, run);
                    results.add(new CheckResult(r.name() + ":" + ClusterRefs.member(node), r.type(), r.passed(),
                            r.detail()));
                }
            }
        }
        List<String> problems = settledHealth(engine, cluster, checks.maxLag(run));
        results.add(new CheckResult("cluster-health", CheckSpec.DB_CLUSTER, problems.isEmpty(),
                problems.isEmpty() ? "one leader, every replica streaming" : String.join("; ", problems)));
        try {
            Topology t = engine.topology(cluster);
            return completed(run, cluster, Phase.POSTFLIGHT, results,
                    Map.of("leader", t.leader().map(Member::name).orElse("none")));
        } catch (RuntimeException e) {
            return completed(run, cluster, Phase.POSTFLIGHT, results, Map.of());
        }
    }

    private ClusterPhaseCompleted completed(RunContext run, ClusterRef cluster, Phase phase,
            List<CheckResult> results, Map<String, String> details) {
        List<String> failed = results.stream().filter(r -> !r.passed()).map(r -> r.name() + ": " + r.detail())
                .toList();
        Instant now = clock.instant();
        return new ClusterPhaseCompleted(run.runId(), cluster.clusterId(), cluster.kind(), phase, failed.isEmpty(),
                failed.isEmpty() ? null : String.join("; ", failed), results, details, now);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file
        }
    }
}
