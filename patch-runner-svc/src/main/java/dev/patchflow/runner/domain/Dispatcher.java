package dev.patchflow.runner.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.schemas.events.RunContext;

/**
 * Releases READY targets to a pool of workers, never more than the run's max concurrency of one run at
 * once, and never more than {@link RunnerSettings#workers()} in total.
 * <p>
 * MongoDB is the source of truth: a target is only executed after its {@code run_targets} record moved
 * READY → RUNNING atomically (owner + lease). The in-memory queues are a fast path fed by the intake and
 * refilled from MongoDB every poll interval, so READY targets are never lost: after a restart the first
 * refill finds them, and RUNNING targets whose lease expired (their runner died) go back to READY.
 * <p>
 * Which queued target may start is the {@link RolloutScheduler}'s decision (rollout policy, error budget,
 * canary gate, cluster order, cutoff, operator halts); its state, including the in-flight set the concurrency
 * limit counts, is in MongoDB, so replicas share one limit. This class only owns the worker pool.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final int REFILL_BATCH = 1000;
    private static final int SWEEP_BATCH = 500;
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    private final RunTargetStore store;
    private final RunSizes runSizes;
    private final PatchApplier applier;
    private final OutcomeRecorder recorder;
    private final RunnerSettings settings;
    private final RolloutScheduler scheduler;
    private final Clock clock;

    // Guarded by "this".
    private final Map<String, Deque<RunTargetStore.ReadyTarget>> pending = new HashMap<>();
    private final Set<String> queued = new HashSet<>();
    private final Map<String, Integer> inFlight = new HashMap<>();
    private int busyWorkers;
    private boolean signalled;

    private volatile boolean running;
    private ExecutorService workers;
    private Thread loop;

    public Dispatcher(RunTargetStore store, RunSizes runSizes, PatchApplier applier, OutcomeRecorder recorder,
            RunnerSettings settings, RolloutScheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.store = store;
        this.runSizes = runSizes;
        this.applier = applier;
        this.recorder = recorder;
        this.settings = settings;
        this.clock = clock;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "runner-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = Executors.newFixedThreadPool(settings.workers(), factory);
        loop = new Thread(this::loop, "runner-dispatcher");
        loop.setDaemon(true);
        loop.start();
    }

    public void stop() {
        Thread current;
        synchronized (this) {
            running = false;
            signalled = true;
            notifyAll();
            current = loop;
        }
        if (current != null) {
            try {
                current.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (workers != null) {
            // Short executions may finish; longer ones are interrupted (their process tree killed), record
            // nothing, and are picked up again when their lease expires.
            workers.shutdown();
            try {
                if (!workers.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isAlive() {
        Thread current = loop;
        return running && current != null && current.isAlive();
    }

    /** Queues a READY target (from the intake) and wakes the dispatcher. */
    public void offer(RunTargetStore.ReadyTarget target) {
        synchronized (this) {
            enqueue(target);
            signalled = true;
            notifyAll();
        }
    }

    /** Something changed a run's rollout state (an operator action, a validation): look at the queues again. */
    public void wake() {
        synchronized (this) {
            signalled = true;
            notifyAll();
        }
    }

    /** A run's scanned target count became known: percentages of it can now be resolved. */
    public void targetCountKnown(String runId, int count) {
        synchronized (this) {
            signalled = true;
            notifyAll();
        }
    }

    /** Targets of {@code runId} this runner is executing right now. */
    public synchronized int inFlight(String runId) {
        return inFlight.getOrDefault(runId, 0);
    }

    public long leaseSeconds(RunContext run) {
        return settings.leaseFor(run.patch()).toSeconds();
    }

    private void enqueue(RunTargetStore.ReadyTarget target) {
        if (queued.add(target.id())) {
            pending.computeIfAbsent(target.runId(), r -> new ArrayDeque<>()).add(target);
        }
    }

    private void loop() {
        Instant nextRefill = Instant.MIN;
        Instant nextSweep = Instant.MIN;
        while (running) {
            try {
                Instant now = clock.instant();
                if (!now.isBefore(nextSweep)) {
                    sweep(now);
                    nextSweep = now.plus(settings.leaseCheckInterval());
                }
                if (!now.isBefore(nextRefill)) {
                    refill(now);
                    nextRefill = now.plus(settings.pollInterval());
                }
                dispatch();
            } catch (RuntimeException e) {
                LOG.warn("dispatcher pass failed; retrying", e);
            }
            awaitSignal();
        }
    }

    private void awaitSignal() {
        synchronized (this) {
            if (!signalled && running) {
                try {
                    wait(settings.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                }
            }
            signalled = false;
        }
    }

    /** Releases expired claims and re-sends recorded outcomes whose emission was never acknowledged. */
    private void sweep(Instant now) {
        long released = store.releaseExpired(now);
        if (released > 0) {
            LOG.infof("released %d targets whose claim expired", released);
        }
        // Outcomes recorded a while ago and still unemitted: their publisher died or the broker refused.
        for (RunTarget done : store.findUnemitted(now.minus(settings.leaseGrace()), SWEEP_BATCH)) {
            recorder.emit(done.id(), done.outcome());
        }
        // Run-level events (halts, gates, operator actions) whose publication was not acknowledged.
        scheduler.publishPending();
    }

    private void refill(Instant now) {
        List<RunTargetStore.ReadyTarget> ready = store.findReady(now, REFILL_BATCH);
        synchronized (this) {
            for (RunTargetStore.ReadyTarget target : ready) {
                enqueue(target);
            }
        }
    }

    private void dispatch() {
        List<String> runIds;
        synchronized (this) {
            runIds = new ArrayList<>(pending.keySet());
        }
        List<RunTargetStore.ReadyTarget> reserved = new ArrayList<>();
        for (String runId : runIds) {
            if (!hasFreeWorker()) {
                break;
            }
            admit(runId, reserved);
        }
        // The claim is made on the worker, not here: one slow MongoDB round trip per target on this thread
        // would serialize the whole fleet.
        for (RunTargetStore.ReadyTarget target : reserved) {
            Runnable work = () -> {
                try {
                    Optional<RunTarget> claimed = store.claim(target.id(), settings.instanceId(),
                            clock.instant().plusSeconds(target.leaseSeconds()));
                    // Empty: someone else claimed it, or it is done; the queue entry was stale.
                    claimed.ifPresent(applier::apply);
                } catch (PatchApplier.RunnerStoppingException e) {
                    LOG.info(e.getMessage());
                } catch (RuntimeException e) {
                    // A claimed target stays RUNNING until its lease expires; then it is retried.
                    LOG.errorf(e, "applying %s failed; it will be retried after its lease expires", target.id());
                } finally {
                    try {
                        scheduler.afterExecution(target.id(), target.runId());
                    } catch (RuntimeException e) {
                        // Its slot stays taken until the next completion of the run re-reads the record.
                        LOG.warnf(e, "cannot record the end of %s in the rollout state", target.id());
                    }
                    release(target.runId());
                }
            };
            try {
                workers.execute(work);
            } catch (RuntimeException e) {
                // Shutting down: the target stays READY and is picked up again after a restart.
                release(target.runId());
            }
        }
    }

    private synchronized boolean hasFreeWorker() {
        return busyWorkers < settings.workers();
    }

    /**
     * Asks the rollout scheduler about the run's queued targets in order: START reserves a worker, WAIT_RUN
     * stops at this run, WAIT_TARGET skips one target (a cluster node that must wait its turn), ENDED drops it.
     */
    private void admit(String runId, List<RunTargetStore.ReadyTarget> reserved) {
        List<RunTargetStore.ReadyTarget> candidates;
        synchronized (this) {
            Deque<RunTargetStore.ReadyTarget> queue = pending.get(runId);
            candidates = queue == null ? List.of() : new ArrayList<>(queue);
        }
        if (candidates.isEmpty()) {
            return;
        }
        RolloutScheduler.Pass pass = scheduler.begin(runId);
        for (RunTargetStore.ReadyTarget target : candidates) {
            if (!hasFreeWorker()) {
                return;
            }
            RolloutScheduler.Admission admission = pass.admit(target.id());
            if (admission == RolloutScheduler.Admission.WAIT_RUN) {
                return;
            }
            if (admission == RolloutScheduler.Admission.WAIT_TARGET) {
                continue;
            }
            synchronized (this) {
                Deque<RunTargetStore.ReadyTarget> queue = pending.get(runId);
                if (queue != null) {
                    queue.remove(target);
                    if (queue.isEmpty()) {
                        pending.remove(runId);
                    }
                }
                queued.remove(target.id());
                if (admission == RolloutScheduler.Admission.START) {
                    inFlight.merge(runId, 1, Integer::sum);
                    busyWorkers++;
                    reserved.add(target);
                }
            }
        }
    }

    private synchronized void release(String runId) {
        inFlight.computeIfPresent(runId, (r, n) -> n <= 1 ? null : n - 1);
        busyWorkers--;
        signalled = true;
        notifyAll();
    }
}
