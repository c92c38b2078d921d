package dev.patchflow.runner.domain.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.ClusterRefs;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.locks.Lease;
import dev.patchflow.runner.domain.locks.LeaseLocks;
import dev.patchflow.runner.domain.locks.LockHolder;
import dev.patchflow.runner.domain.locks.LockSettings;
import dev.patchflow.runner.domain.locks.TargetLocking;
import dev.patchflow.runner.domain.rollout.ClusterGate;
import dev.patchflow.runner.domain.rollout.ClusterState;
import dev.patchflow.runner.domain.rollout.RolloutStore;
import dev.patchflow.runner.domain.rollout.RunEventPublisher;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.ClusterPhaseCompleted;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * A database cluster's rollout around its nodes, for runs of the {@code db-cluster} executor (real runs; a dry run
 * is an audit and touches nothing): the scheduler asks this gate before a node of the cluster starts.
 * <ol>
 * <li>Once every target of the run arrived, the rollout takes the cluster's lock ({@code cluster:<id>}, held by
 * {@code runId/cluster:<id>} for the whole rollout; the nodes run under it): another run holding it makes this
 * one wait or be refused, as {@code patchflow.runner.locks.on-conflict} says.</li>
 * <li>Preflight, then the ephemeral clone test ({@link ClusterPhases}); either failing refuses the rollout: every
 * node ends {@code PatchNotStarted REFUSED} with the reasons and nothing was touched.</li>
 * <li>The gate is open: the scheduler releases the nodes one at a time, replicas first, the primary after its
 * step-down (the existing cluster order).</li>
 * <li>When every node has its outcome: the post-flight, then the lock is released.</li>
 * </ol>
 * Each phase's outcome is a {@link ClusterPhaseCompleted} recorded in the same update as the phase change and
 * published from that outbox. The work runs on its own thread, claimed in MongoDB, so a replica or a restarted
 * runner resumes it; a sweep re-publishes, refreshes held locks and starts due post-flights.
 */
@ApplicationScoped
public class ClusterRollouts implements ClusterGate {

    private static final Logger LOG = Logger.getLogger(ClusterRollouts.class);

    /** The executor whose runs have cluster rollouts. */
    public static final String EXECUTOR = "db-cluster";

    private static final Duration SWEEP = Duration.ofSeconds(2);

    private final ClusterRolloutStore store;
    private final ClusterEngines engines;
    private final ClusterPhases phases;
    private final LeaseLocks locks;
    private final LockSettings lockSettings;
    private final RunnerSettings runner;
    private final RunTargetStore targets;
    private final RolloutStore rollouts;
    private final RunEventPublisher events;
    private final ClusterSettings settings;
    private final Clock clock;

    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final Set<String> working = ConcurrentHashMap.newKeySet();
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private ExecutorService work;
    private ScheduledExecutorService sweeper;

    public ClusterRollouts(ClusterRolloutStore store, ClusterEngines engines, ClusterPhases phases, LeaseLocks locks,
            LockSettings lockSettings, RunnerSettings runner, RunTargetStore targets, RolloutStore rollouts,
            RunEventPublisher events, ClusterSettings settings, Clock clock) {
        this.store = store;
        this.engines = engines;
        this.phases = phases;
        this.locks = locks;
        this.lockSettings = lockSettings;
        this.runner = runner;
        this.targets = targets;
        this.rollouts = rollouts;
        this.events = events;
        this.settings = settings;
        this.clock = clock;
    }

    /** Starts the phase worker and the sweep (at service start, so that rollouts of a stopped runner resume). */
    public synchronized void start() {
        if (work != null) {
            return;
        }
        // One phase at a time per runner: a clone is a full copy of a database.
        work = Executors.newSingleThreadExecutor(r -> daemon(r, "cluster-phases"));
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cluster-sweep"));
        sweeper.scheduleWithFixedDelay(this::sweep, 0, SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (work != null) {
            work.shutdownNow();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public Verdict verdict(RunContext run, String targetId, String clusterId, boolean allArrived) {
        if (!EXECUTOR.equals(run.patch().executor()) || run.options().dryRun()) {
            return Verdict.open();
        }
        String id = ClusterRollout.idOf(run.runId(), clusterId);
        if (open.contains(id)) {
            return Verdict.open();
        }
        Optional<ClusterRollout> found = store.find(id);
        if (found.isEmpty()) {
            if (!allArrived) {
                return Verdict.waiting("the preflight of cluster " + clusterId + " waits for every node of the run");
            }
            String kind = targets.find(RunTarget.idOf(run.runId(), targetId)).map(t -> t.target().kind())
                    .orElse(null);
            found = Optional.of(store.insertIfAbsent(new ClusterRollout(id, run.runId(), clusterId, kind,
                    ClusterRollout.Phase.GATE, run, null, null, null, clock.instant(), List.of(), List.of())));
        }
        ClusterRollout r = found.get();
        switch (r.phase()) {
            case OPEN, DONE -> {
                open.add(id);
                return Verdict.open();
            }
            case REFUSED -> {
                return Verdict.refused(r.refusal());
            }
            default -> {
                submit(id, () -> gate(id));
                return Verdict.waiting("preflight and clone test of cluster " + clusterId + " are running");
            }
        }
    }

    @Override
    public void backupCompleted(BackupCompleted event) {
        Target t = event.target();
        if (t.clusterId() == null || t.clusterId().isBlank() || event.status() != BackupStatus.COMPLETED) {
            return;
        }
        // When the data was copied: a method that reuses a recent restore point says so in details.takenAt.
        Instant takenAt = event.details().containsKey("takenAt")
                ? Instant.parse(event.details().get("takenAt"))
                : event.completedAt();
        store.recordBackup(event.runId(), t.clusterId(), t.id(), event.method(), event.location(), takenAt);
    }

    private void submit(String id, Runnable task) {
        if (work == null || !working.add(id)) {
            return;
        }
        try {
            work.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warnf(e, "cluster rollout %s: phase work failed; retried by the sweep", id);
                } finally {
                    working.remove(id);
                }
            });
        } catch (RejectedExecutionException e) {
            working.remove(id);
        }
    }

    /** Lock, preflight, clone test: GATE → OPEN or REFUSED. */
    private void gate(String id) {
        Optional<ClusterRollout> found = store.find(id);
        if (found.isEmpty() || found.get().phase() != ClusterRollout.Phase.GATE) {
            return;
        }
        ClusterRollout r = found.get();
        Instant now = clock.instant();
        if (!store.claimWork(id, runner.instanceId(), now, now.plus(settings.stepTimeout().multipliedBy(4)))) {
            return;
        }
        boolean advanced = false;
        try {
            LockOutcome lock = lock(r);
            if (lock.refusal() != null) {
                ClusterPhaseCompleted refused = failed(r, ClusterPhaseCompleted.Phase.PREFLIGHT, "cluster-lock",
                        lock.refusal());
                advanced = refuse(r, refused, lock.refusal());
                return;
            }
            if (!lock.taken()) {
                return; // another run holds the cluster: wait (the sweep tries again)
            }
            List<Target> nodes = nodes(r);
            ClusterEngine engine = engines.require(r.kind());
            ClusterRef ref = ClusterRefs.of(nodes.get(0), nodes);
            if (r.results().stream().noneMatch(e -> e.phase() == ClusterPhaseCompleted.Phase.PREFLIGHT)) {
                ClusterPhaseCompleted pre = phases.preflight(r.run(), engine, ref,
                        store.backups(r.runId(), r.clusterId()));
                if (!pre.passed()) {
                    advanced = refuse(r, pre, "preflight of cluster " + r.clusterId() + " failed: " + pre.reason());
                    return;
                }
                store.record(id, ClusterRollout.Phase.GATE, pre);
                publishPending();
            }
            DbParameters p = DbParameters.of(r.run().patch(), settings);
            boolean wanted = p.cloneTest() == null ? engine.supportsClone() : p.cloneTest();
            if (wanted && !engine.supportsClone()) {
                String why = "the " + engine.kind() + " engine cannot clone a cluster (set cloneTest=false)";
                advanced = refuse(r, failed(r, ClusterPhaseCompleted.Phase.CLONE_TEST, "clone", why),
                        "clone test of cluster " + r.clusterId() + " failed: " + why);
                return;
            }
            ClusterPhaseCompleted clone = wanted ? phases.cloneTest(r.run(), engine, ref, environment(r)) : null;
            if (clone != null && !clone.passed()) {
                advanced = refuse(r, clone, "clone test of cluster " + r.clusterId() + " failed: " + clone.reason());
                return;
            }
            advanced = store.advance(id, ClusterRollout.Phase.GATE, ClusterRollout.Phase.OPEN, clone, null);
            publishPending();
        } finally {
            if (!advanced) {
                store.releaseWork(id, runner.instanceId());
            }
        }
    }

    /** Taken; or not taken and either a refusal (may not wait any more) or none (wait). */
    private record LockOutcome(boolean taken, String refusal) {
    }

    /** Takes the cluster's lock for the rollout, or says whether to wait or give up. */
    private LockOutcome lock(ClusterRollout r) {
        Instant now = clock.instant();
        String name = "cluster:" + r.clusterId();
        LeaseLocks.Acquisition a = locks.resume(name, holder(r), now, lockSettings.ttl());
        if (a instanceof LeaseLocks.Acquired acquired) {
            held.put(r.id(), acquired.lease());
            return new LockOutcome(true, null);
        }
        Lease by = ((LeaseLocks.Held) a).by();
        String reason = "cluster " + r.clusterId() + " is locked by run " + by.holder().runId() + " (owner "
                + by.holder().owner() + ") since " + by.since();
        if (r.runId().equals(by.holder().runId())) {
            return new LockOutcome(false, null); // a node of this run holds it node-level (after a restart)
        }
        if (lockSettings.onConflict() == LockSettings.OnConflict.REFUSE
                || !now.isBefore(r.since().plus(lockSettings.maxWait()))) {
            return new LockOutcome(false, reason);
        }
        LOG.debugf("%s waits: %s", r.id(), reason);
        return new LockOutcome(false, null);
    }

    private LockHolder holder(ClusterRollout r) {
        return new LockHolder(TargetLocking.rolloutHolderId(r.runId(), r.clusterId()), r.runId(), runner.instanceId());
    }

    private boolean refuse(ClusterRollout r, ClusterPhaseCompleted event, String reason) {
        boolean done = store.advance(r.id(), ClusterRollout.Phase.GATE, ClusterRollout.Phase.REFUSED, event, reason);
        releaseLock(r.id());
        publishPending();
        return done;
    }

    private ClusterPhaseCompleted failed(ClusterRollout r, ClusterPhaseCompleted.Phase phase, String check,
            String why) {
        return new ClusterPhaseCompleted(r.runId(), r.clusterId(), r.kind(), phase, false, check + ": " + why,
                List.of(new CheckResult(check, check, false, why)), Map.of(), clock.instant());
    }

    /** The cluster's nodes in the run, from its {@code rollout_clusters} document (bounded by the cluster). */
    private List<Target> nodes(ClusterRollout r) {
        List<String> ids = rollouts.cluster(r.runId(), r.clusterId()).members().keySet().stream().sorted()
                .map(t -> RunTarget.idOf(r.runId(), t)).toList();
        Map<String, RunTargetStore.Facts> facts = targets.facts(ids);
        List<Target> nodes = ids.stream().map(facts::get).filter(f -> f != null && f.target() != null)
                .map(RunTargetStore.Facts::target).toList();
        if (nodes.isEmpty()) {
            throw new IllegalStateException("run " + r.runId() + " has no node of cluster " + r.clusterId());
        }
        return nodes;
    }

    /** What the update command of the clone sees, like a node's ({@code PATCHFLOW_*}). */
    private static Map<String, String> environment(ClusterRollout r) {
        Map<String, String> env = new TreeMap<>();
        env.put("PATCHFLOW_RUN_ID", r.runId());
        env.put("PATCHFLOW_CLUSTER_ID", r.clusterId());
        env.put("PATCHFLOW_PATCH_ID", r.run().patch().id());
        env.put("PATCHFLOW_PATCH_VERSION", r.run().patch().version());
        env.put("PATCHFLOW_DRY_RUN", "false");
        env.put("PATCHFLOW_CLONE", "true");
        return env;
    }

    /** Publishes, refreshes held locks, resumes gates, starts due post-flights. */
    void sweep() {
        try {
            publishPending();
            for (ClusterRollout r : store.active(200)) {
                switch (r.phase()) {
                    case GATE -> submit(r.id(), () -> gate(r.id()));
                    case OPEN -> {
                        keepLock(r);
                        if (allNodesFinished(r)) {
                            submit(r.id(), () -> postflight(r.id()));
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cluster rollout sweep failed; retrying", e);
        }
    }

    private void keepLock(ClusterRollout r) {
        Lease lease = held.get(r.id());
        Instant now = clock.instant();
        if (lease != null && locks.refresh(lease, now, lockSettings.ttl())) {
            return;
        }
        held.remove(r.id());
        // After a restart (or on a replica): the rollout's own holder takes its live lease back as it is, same
        // token, since a node resumed by this runner may already be running under it (a new token would fence
        // that node out between its patch and its record); a lapsed lease is taken anew. A node of this run
        // holding the cluster node-level keeps it until it ends.
        LeaseLocks.Acquisition a = locks.resume("cluster:" + r.clusterId(), holder(r), now, lockSettings.ttl());
        if (a instanceof LeaseLocks.Acquired acquired) {
            held.put(r.id(), acquired.lease());
        }
    }

    /** Every node of the cluster that reached the runner has its patch outcome (the gate opened after all arrived). */
    private boolean allNodesFinished(ClusterRollout r) {
        ClusterState cluster = rollouts.cluster(r.runId(), r.clusterId());
        return !cluster.members().isEmpty() && cluster.finished().containsAll(cluster.members().keySet());
    }

    private void postflight(String id) {
        Optional<ClusterRollout> found = store.find(id);
        if (found.isEmpty() || found.get().phase() != ClusterRollout.Phase.OPEN) {
            return;
        }
        ClusterRollout r = found.get();
        Instant now = clock.instant();
        if (!store.claimWork(id, runner.instanceId(), now, now.plus(settings.stepTimeout().multipliedBy(2)))) {
            return;
        }
        boolean advanced = false;
        try {
            List<Target> nodes = nodes(r);
            ClusterEngine engine = engines.require(r.kind());
            ClusterPhaseCompleted post = phases.postflight(r.run(), engine, ClusterRefs.of(nodes.get(0), nodes),
                    nodes);
            advanced = store.advance(id, ClusterRollout.Phase.OPEN, ClusterRollout.Phase.DONE, post, null);
            releaseLock(id);
            open.remove(id);
            publishPending();
        } finally {
            if (!advanced) {
                store.releaseWork(id, runner.instanceId());
            }
        }
    }

    private void releaseLock(String id) {
        Lease lease = held.remove(id);
        if (lease != null) {
            try {
                locks.release(lease);
            } catch (RuntimeException e) {
                LOG.warnf(e, "cannot release %s; it lapses by itself", lease.name());
            }
        }
    }

    private void publishPending() {
        for (ClusterRollout r : store.active(200)) {
            for (ClusterPhaseCompleted event : r.outbox()) {
                try {
                    events.publish(event, 0);
                    store.published(r.id(), event.factId());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "%s of %s recorded but not published; it will be re-sent", event.factId(), r.id());
                    return;
                }
            }
        }
    }
}
