package dev.patchflow.runner.adapters.dbcluster;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.ClusterRefs;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunner;
import dev.patchflow.dbcluster.NodeUpdate;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.runner.adapters.process.ProcessPatchExecutor;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.cluster.ClusterRolloutStore;
import dev.patchflow.runner.domain.cluster.ClusterRollouts;
import dev.patchflow.runner.domain.cluster.ClusterSettings;
import dev.patchflow.runner.domain.cluster.DbParameters;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code db-cluster} executor: patches one node of a database cluster (a target of kind
 * {@code postgres-patroni} or {@code mongodb-replica-set}) through its engine. The rollout around it is the
 * scheduler's: one node at a time, replicas first, the primary after {@link #stepDown} handed its role to a
 * patched replica, all of it behind the cluster's preflight and clone test ({@link ClusterRollouts}).
 * <p>
 * Per node: if the node leads now (a failover since the scan), it hands the role over first; then the update
 * ({@code patch.command}, and MongoDB's stop/start commands, through the node's runner) is run unless this
 * target's update is recorded as done ({@code cluster_nodes}: a runner killed after the update does not run it
 * again); then the engine brings the node back (Patroni {@code POST /restart}, wait for streaming with lag at most
 * {@code maxLag}; MongoDB: SECONDARY again). A node already at the patch version (by the engine's probe) is
 * {@code ALREADY_APPLIED} and not touched. A dry run touches nothing: it reports the version found against the
 * version wanted (the drift audit).
 */
public final class DbClusterExecutor implements PatchExecutor {

    private static final Logger LOG = Logger.getLogger(DbClusterExecutor.class);

    private final ClusterEngines engines;
    private final ClusterRolloutStore steps;
    private final RunTargetStore targets;
    private final ClusterSettings settings;
    private final Clock clock;

    public DbClusterExecutor(ClusterEngines engines, ClusterRolloutStore steps, RunTargetStore targets,
            ClusterSettings settings, Clock clock) {
        this.engines = engines;
        this.steps = steps;
        this.targets = targets;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String name() {
        return ClusterRollouts.EXECUTOR;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        long started = System.nanoTime();
        Target target = request.target();
        Map<String, String> details = new TreeMap<>();
        try {
            ClusterEngine engine = engines.require(target.kind());
            ClusterRef cluster = cluster(request.run(), target);
            String member = ClusterRefs.member(target);
            DbParameters p = DbParameters.of(request.patch(), settings);
            String wanted = request.patch().version();
            details.put("member", member);
            details.put("versionWanted", wanted);
            String found = versionOrNull(engine, cluster, member, p.versionQuery());
            details.put("versionFound", found == null ? "unknown" : found);
            if (request.dryRun()) {
                boolean drift = !wanted.equals(found);
                details.put("drift", Boolean.toString(drift));
                append(request, member + " runs " + found + ", wanted " + wanted + (drift ? ": DRIFT" : ": in step"));
                return ExecutionResult.success(PatchStatus.DRY_RUN, elapsed(started), details);
            }
            String runTargetId = RunTarget.idOf(request.run().runId(), target.id());
            boolean updated = steps.nodeUpdated(runTargetId);
            if (!updated && wanted.equals(found)) {
                details.put("note", member + " already runs " + wanted + "; nothing done");
                return ExecutionResult.success(PatchStatus.ALREADY_APPLIED, elapsed(started), details);
            }
            Topology topology = engine.topology(cluster);
            Member now = topology.require(member);
            details.put("roleBefore", now.role());
            if (now.leader()) {
                // Not the primary the scan saw (a failover since): it still must not be patched while it leads.
                String successor = engine.handOver(cluster, member, patched(engine, cluster, topology, member, p,
                        wanted), settings.stepTimeout());
                details.put("handedOverTo", successor);
            }
            if (updated) {
                details.put("update", "recorded as done before a restart of the runner; not run again");
            } else {
                NodeRunner.Result result = engine.update(cluster, member, new NodeUpdate(request.patch().command(),
                        p.stopCommand(), p.startCommand(), environment(request), request.timeout(),
                        request.output()));
                if (!result.succeeded()) {
                    details.put("step", "update");
                    return ExecutionResult.failure(result.describe("update of " + member), result.exitCode(),
                            elapsed(started), details);
                }
                steps.markNodeUpdated(runTargetId, clock.instant());
                pauseForTests(member);
            }
            try {
                engine.bringBack(cluster, member, p.maxLag(), settings.stepTimeout());
            } catch (RuntimeException e) {
                details.put("step", "bring back");
                return ExecutionResult.failure(member + " did not come back after its update: " + e.getMessage(), null,
                        elapsed(started), details);
            }
            String after = engine.nodeVersion(cluster, member, p.versionQuery());
            details.put("versionAfter", after);
            append(request, member + " runs " + after + " after its restart");
            return ExecutionResult.success(0, elapsed(started), details);
        } catch (RuntimeException e) {
            LOG.warnf(e, "db-cluster: %s failed", target.id());
            return ExecutionResult.failure(String.valueOf(e.getMessage()), null, elapsed(started), details);
        }
    }

    /**
     * The cluster's primary goes last: hand its role to a patched replica first (Patroni switchover, MongoDB
     * step-down), and wait for the new leader.
     */
    @Override
    public String stepDown(ExecutionRequest request) {
        if (request.dryRun()) {
            return null; // an audit changes nothing, not even the leader
        }
        Target target = request.target();
        try {
            ClusterEngine engine = engines.require(target.kind());
            ClusterRef cluster = cluster(request.run(), target);
            String member = ClusterRefs.member(target);
            Topology topology = engine.topology(cluster);
            if (!topology.require(member).leader()) {
                return null; // no longer the leader: nothing to hand over
            }
            DbParameters p = DbParameters.of(request.patch(), settings);
            String successor = engine.handOver(cluster, member,
                    patched(engine, cluster, topology, member, p, request.patch().version()), settings.stepTimeout());
            append(request, member + " handed the leader role to " + successor);
            return null;
        } catch (RuntimeException e) {
            return "cannot hand the leader role of " + target.id() + " over: " + e.getMessage();
        }
    }

    /**
     * An outcome the ledger decided (an earlier run applied this version). In a dry run — the drift audit — the node
     * is still asked (read-only): a node changed since the ledger's run must show as drift.
     */
    @Override
    public Map<String, String> describe(RunContext run, Target target) {
        Map<String, String> details = new TreeMap<>();
        String member = ClusterRefs.member(target);
        details.put("member", member);
        if (run.options().dryRun()) {
            String wanted = run.patch().version();
            String found = versionOrNull(engines.require(target.kind()), cluster(run, target), member,
                    DbParameters.of(run.patch(), settings).versionQuery());
            details.put("versionFound", found == null ? "unknown" : found);
            details.put("versionWanted", wanted);
            details.put("drift", Boolean.toString(!wanted.equals(found)));
        }
        return details;
    }

    /** The node's version, or {@code null} when the probe has no answer (e.g. a marker setting not set yet). */
    private static String versionOrNull(ClusterEngine engine, ClusterRef cluster, String member, String probe) {
        try {
            return engine.nodeVersion(cluster, member, probe);
        } catch (RuntimeException e) {
            LOG.debugf("no version of %s: %s", member, e.getMessage());
            return null;
        }
    }

    /** Replicas already at the patch version, preferred as the new leader. */
    private static List<String> patched(ClusterEngine engine, ClusterRef cluster, Topology topology, String leader,
            DbParameters p, String wanted) {
        List<String> names = new ArrayList<>();
        for (Member m : topology.members()) {
            if (m.name().equals(leader) || !m.running()) {
                continue;
            }
            if (wanted.equals(versionOrNull(engine, cluster, m.name(), p.versionQuery()))) {
                names.add(m.name());
            }
        }
        return names;
    }

    private ClusterRef cluster(RunContext run, Target target) {
        List<Target> siblings = targets.findByRun(run.runId()).stream().map(RunTarget::target).toList();
        return ClusterRefs.of(target, siblings);
    }

    private static Map<String, String> environment(ExecutionRequest request) {
        return ProcessPatchExecutor.environment(request);
    }

    private void pauseForTests(String member) {
        if (settings.pauseAfterUpdate().filter(member::equals).isEmpty()) {
            return;
        }
        Optional<java.nio.file.Path> signal = settings.pauseSignal();
        LOG.warnf("TEST ONLY: parking after the update of %s (patchflow.db-cluster.test-only-pause-after-update)",
                member);
        try {
            if (signal.isPresent()) {
                Files.writeString(signal.get(), member + "\n");
            }
            Thread.sleep(Long.MAX_VALUE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while parked for a test", e);
        }
    }

    private static void append(ExecutionRequest request, String line) {
        try {
            Files.writeString(request.output(), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.debugf("cannot append to %s: %s", request.output(), e.getMessage());
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
