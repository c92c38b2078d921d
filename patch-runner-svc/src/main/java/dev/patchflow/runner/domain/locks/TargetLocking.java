package dev.patchflow.runner.domain.locks;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.schemas.events.Target;

/**
 * The lock a target's patch runs under: {@code cluster:<clusterId>} for a node of a cluster (one node of a
 * cluster at a time, across runs and runners), else {@code target:<targetId>}. Held leases are refreshed in
 * the background until released; a runner that dies stops refreshing and its locks lapse after the ttl.
 * <p>
 * A conflict with another run waits (bounded by {@code max-wait}, polling) or is refused at once, as
 * configured; either way the failure names the holder. A conflict with another target of the same run is
 * the run's own cluster order: the target goes back to the queue and is tried again, never failed.
 */
@ApplicationScoped
public class TargetLocking {

    private static final Logger LOG = Logger.getLogger(TargetLocking.class);

    private final LeaseLocks locks;
    private final LockSettings settings;
    private final String instanceId;
    private final Clock clock;
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher;

    public TargetLocking(LeaseLocks locks, LockSettings settings, RunnerSettings runner, Clock clock) {
        this.locks = locks;
        this.settings = settings;
        this.instanceId = runner.instanceId();
        this.clock = clock;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runner-lock-refresher");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, settings.refreshInterval().toMillis());
        refresher.scheduleAtFixedRate(this::refreshAll, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The holder of a whole cluster rollout's lock: a database cluster's rollout holds {@code cluster:<id>} from its
     * preflight to its post-flight, and its nodes run under that lease instead of taking the lock node by node
     * (another run could otherwise take the cluster between two nodes).
     */
    public static String rolloutHolderId(String runId, String clusterId) {
        return runId + "/cluster:" + clusterId;
    }

    private static boolean isRolloutLease(Lease lease) {
        return lease.holder().holderId().contains("/cluster:");
    }

    /** The lock name of a target. */
    public static String lockName(Target target) {
        if (target.clusterId() != null && !target.clusterId().isBlank()) {
            return "cluster:" + target.clusterId();
        }
        return "target:" + target.id();
    }

    /**
     * Takes the target's lock for {@code claimed}, waiting as configured. Runs on a dispatcher worker: a
     * waiting target occupies its worker (and counts against its run's concurrency) while it waits, and calls
     * {@code keepClaim} before every retry to keep its own claim on the target alive (false: it was lost).
     */
    public Decision acquire(RunTarget claimed, BooleanSupplier keepClaim) {
        String name = lockName(claimed.target());
        LockHolder me = new LockHolder(claimed.id(), claimed.runId(), instanceId);
        Instant deadline = clock.instant().plus(settings.maxWait());
        while (true) {
            Instant now = clock.instant();
            LeaseLocks.Acquisition acquisition = locks.tryAcquire(name, me, now, settings.ttl());
            if (acquisition instanceof LeaseLocks.Acquired acquired) {
                held.put(claimed.id(), acquired.lease());
                return new Locked(acquired.lease());
            }
            Lease by = ((LeaseLocks.Held) acquisition).by();
            String clusterId = claimed.target().clusterId();
            if (clusterId != null && by.holder().holderId().equals(rolloutHolderId(claimed.runId(), clusterId))) {
                // This run's cluster rollout holds the cluster: the node runs under its lease (fenced by its token).
                return new Locked(by);
            }
            if (claimed.runId().equals(by.holder().runId())) {
                return new Later(now.plus(settings.retryInterval()));
            }
            if (settings.onConflict() == LockSettings.OnConflict.REFUSE || !now.isBefore(deadline)) {
                return refused(claimed.target(), by);
            }
            if (!keepClaim.getAsBoolean()) {
                // The target's claim lapsed or moved on: whoever has it now decides; this worker stops.
                return new Lost();
            }
            try {
                // Polling: the wire server has no change streams, and a holder that dies never notifies.
                Thread.sleep(settings.retryInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Later(clock.instant());
            }
        }
    }

    /** Whether {@code lease} is still the live one: checked right before recording under it. */
    public boolean stillHolds(Lease lease) {
        return locks.holds(lease, clock.instant());
    }

    public void release(Lease lease) {
        if (isRolloutLease(lease)) {
            return; // the cluster rollout's lease: released by the rollout after its post-flight
        }
        held.remove(lease.holder().holderId(), lease);
        try {
            locks.release(lease);
        } catch (RuntimeException e) {
            // It lapses by itself after the ttl.
            LOG.warnf(e, "cannot release %s (token %d); it expires by itself", lease.name(), lease.token());
        }
    }

    private void refreshAll() {
        for (Lease lease : held.values()) {
            try {
                if (!locks.refresh(lease, clock.instant(), settings.ttl())) {
                    held.remove(lease.holder().holderId(), lease);
                    LOG.warnf("lost %s (token %d): it expired before it was refreshed; writes under it are refused",
                            lease.name(), lease.token());
                }
            } catch (RuntimeException e) {
                LOG.warnf(e, "cannot refresh %s; retrying", lease.name());
            }
        }
    }

    private static Refused refused(Target target, Lease by) {
        String what = target.clusterId() != null && !target.clusterId().isBlank()
                ? "cluster " + target.clusterId()
                : "target " + target.id();
        String reason = what + " is locked by run " + by.holder().runId() + " (owner " + by.holder().owner()
                + ") since " + by.since();
        Map<String, String> details = new TreeMap<>();
        details.put("lock", by.name());
        details.put("lockHolder", String.valueOf(by.holder().runId()));
        details.put("lockHolderTarget", String.valueOf(by.holder().holderId()));
        details.put("lockOwner", String.valueOf(by.holder().owner()));
        details.put("lockSince", String.valueOf(by.since()));
        details.put("lockToken", Long.toString(by.token()));
        return new Refused(reason, details);
    }

    @PreDestroy
    void stop() {
        refresher.shutdownNow();
    }

    /** What to do with a claimed target. */
    public sealed interface Decision {
    }

    /** Run it under {@code lease}; release it when done. */
    public record Locked(Lease lease) implements Decision {
    }

    /** The target's own claim was lost while waiting: do nothing more with it. */
    public record Lost() implements Decision {
    }

    /** Another target of the same run holds the lock: back to the queue until {@code at}. */
    public record Later(Instant at) implements Decision {
    }

    /** Another run holds the lock (refused, or waited past max-wait): fail with this reason. */
    public record Refused(String reason, Map<String, String> details) implements Decision {
    }
}
