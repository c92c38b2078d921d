package dev.patchflow.runner.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.RunTargetStore.ReadyTarget;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;

/**
 * Releases READY targets to a pool of workers: never more than a run's policy allows at once, never more than
 * {@link RunnerSettings#workers()} in total, and without ever waiting on a timer while a target could start.
 * <p>
 * MongoDB is the source of truth: a target is only executed after its claim (owner + lease) was taken. The
 * in-memory queues are a fast path fed by the intake, by the targets that come back (busy ledger entry, expired
 * claim) and, every poll interval while they run low, from the dispatch queue in MongoDB (which holds only READY
 * targets: after a restart, or targets another replica left). Which queued target may start is the
 * {@link RolloutScheduler}'s decision, one pass per run: it decides every candidate against the run's cached
 * state and writes all its starts in one update. A worker that finishes frees its slot in the scheduler's copy
 * of the state and wakes the dispatcher, which refills the slot without reading anything.
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    private static final int REFILL_BATCH = 1000;
    private static final int SWEEP_BATCH = 500;
    /** Candidates handed to one pass per run (the scheduler looks at fewer when the limit is reached first). */
    private static final int PASS_CANDIDATES = 4096;
    /**
     * Candidates handed to a usual pass: the first of the queue, a few per free worker. Copying thousands of queued
     * targets for the two or three a busy run starts per pass cost the dispatcher more than its decisions; a pass
     * they cannot fill is followed at once by one over {@value #PASS_CANDIDATES}.
     */
    private static final int NARROW_CANDIDATES = 64;
    private static final int NARROW_CANDIDATES_PER_WORKER = 4;
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    private final RunTargetStore store;
    private final PatchApplier applier;
    private final OutcomeRecorder recorder;
    private final RunnerSettings settings;
    private final RolloutScheduler scheduler;
    private final Clock clock;

    // Guarded by "this".
    private final Map<String, LinkedHashMap<String, ReadyTarget>> pending = new LinkedHashMap<>();
    private final Set<String> executing = new HashSet<>();
    private final Map<String, Integer> inFlight = new HashMap<>();
    /** Runs whose next pass looks further down the queue; read and written by the dispatcher thread only. */
    private final Set<String> lookFurther = new HashSet<>();
    private int queued;
    private int busyWorkers;
    private boolean signalled;

    private volatile boolean running;
    private ExecutorService workers;
    private Thread loop;

    public Dispatcher(RunTargetStore store, PatchApplier applier, OutcomeRecorder recorder, RunnerSettings settings,
            RolloutScheduler scheduler, Clock clock) {
        this.store = store;
        this.applier = applier;
        this.recorder = recorder;
        this.settings = settings;
        this.scheduler = scheduler;
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
    public void offer(ReadyTarget target) {
        offerAll(List.of(target));
    }

    /** Queues READY targets and wakes the dispatcher once. */
    public void offerAll(List<ReadyTarget> targets) {
        synchronized (this) {
            targets.forEach(this::enqueue);
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
        scheduler.targetCountKnown(runId);
        wake();
    }

    /** Targets of {@code runId} this runner is executing right now. */
    public synchronized int inFlight(String runId) {
        return inFlight.getOrDefault(runId, 0);
    }

    public long leaseSeconds(RunContext run) {
        return settings.leaseFor(run.patch()).toSeconds();
    }

    private void enqueue(ReadyTarget target) {
        if (executing.contains(target.id())) {
            return; // a copy read from the dispatch queue before this runner's claim removed it
        }
        LinkedHashMap<String, ReadyTarget> queue = pending.computeIfAbsent(target.runId(), r -> new LinkedHashMap<>());
        if (queue.putIfAbsent(target.id(), target) == null) {
            queued++;
        }
    }

    private void loop() {
        Instant nextRefill = Instant.MIN;
        Instant nextFullRefill = Instant.MIN;
        Instant nextSweep = Instant.MIN;
        while (running) {
            Instant wakeAt = null;
            try {
                Instant now = clock.instant();
                if (!now.isBefore(nextSweep)) {
                    sweep(now);
                    nextSweep = now.plus(settings.leaseCheckInterval());
                }
                if (!now.isBefore(nextRefill)) {
                    // Bounded work: the dispatch queue is read while the local queues run low, and every
                    // lease-check interval anyway (targets another replica left behind).
                    if (queuedCount() < REFILL_BATCH / 2 || !now.isBefore(nextFullRefill)) {
                        refill(now);
                        nextFullRefill = now.plus(settings.leaseCheckInterval());
                    }
                    nextRefill = now.plus(settings.pollInterval());
                }
                wakeAt = dispatch();
                wakeAt = earliest(wakeAt, earliest(nextRefill, nextSweep));
            } catch (RuntimeException e) {
                LOG.warn("dispatcher pass failed; retrying", e);
                wakeAt = clock.instant().plus(settings.pollInterval());
            }
            awaitSignal(wakeAt);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    private synchronized int queuedCount() {
        return queued;
    }

    private void awaitSignal(Instant wakeAt) {
        synchronized (this) {
            if (!signalled && running) {
                long millis = wakeAt == null
                        ? settings.pollInterval().toMillis()
                        : Duration.between(clock.instant(), wakeAt).toMillis();
                if (millis > 0) {
                    try {
                        wait(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                    }
                }
            }
            signalled = false;
        }
    }

    /**
     * Releases expired claims (their targets come back to this queue), re-sends recorded outcomes whose emission
     * was never acknowledged, counts what a crash left uncounted, publishes run events. Each look is bounded by
     * the work in progress (claims, runs with targets in flight), not by the number of targets.
     */
    private void sweep(Instant now) {
        List<ReadyTarget> released = store.releaseExpired(now);
        if (!released.isEmpty()) {
            LOG.infof("released %d targets whose claim expired", released.size());
            offerAll(released);
        }
        // Outcomes recorded a while ago and still unemitted: their publisher died or the broker refused.
        for (RunTarget done : store.findUnemitted(now.minus(settings.leaseGrace()), SWEEP_BATCH)) {
            recorder.emit(done.id(), done.outcome());
        }
        int repaired = scheduler.repair();
        if (repaired > 0) {
            // Also entries of attempts still between their steps (a busy machine): the repair settles those as the
            // attempt would, so this is not evidence of a crash.
            LOG.infof(
                    "counted %d rollout facts left between their steps (by a crash, or by an attempt still under way)",
                    repaired);
        }
        // Run-level events (halts, gates, operator actions) whose publication was not acknowledged.
        scheduler.publishPending();
        scheduler.evictIdle();
    }

    private void refill(Instant now) {
        List<ReadyTarget> ready = store.findReady(now, REFILL_BATCH);
        if (ready.isEmpty()) {
            return;
        }
        synchronized (this) {
            ready.forEach(this::enqueue);
        }
    }

    /** One pass over every run with queued targets; returns when a time-based change is due, if any. */
    private Instant dispatch() {
        List<String> runIds;
        synchronized (this) {
            runIds = new ArrayList<>(pending.keySet());
        }
        Instant wakeAt = null;
        boolean again = false;
        for (String runId : runIds) {
            int free = freeWorkers();
            if (free <= 0) {
                break;
            }
            boolean wide = lookFurther.remove(runId);
            int window = wide
                    ? PASS_CANDIDATES
                    : Math.min(PASS_CANDIDATES, NARROW_CANDIDATES + free * NARROW_CANDIDATES_PER_WORKER);
            List<ReadyTarget> candidates = candidates(runId, window);
            if (candidates.isEmpty()) {
                continue;
            }
            RolloutScheduler.Pass pass = scheduler.admit(runId, candidates, targetId -> queued(runId, targetId), free);
            wakeAt = earliest(wakeAt, pass.wakeAt());
            if (!wide && candidates.size() == window && !pass.waiting()
                    && pass.starts().size() + pass.ends().size() < free) {
                // The first candidates wait their turn (a cluster, a lock, not due yet): decide from further down
                // the queue in the next pass, right away.
                lookFurther.add(runId);
                again = true;
            }
            List<Runnable> work = new ArrayList<>();
            synchronized (this) {
                LinkedHashMap<String, ReadyTarget> queue = pending.get(runId);
                for (RolloutScheduler.Start start : pass.starts()) {
                    dequeue(queue, start.target().id());
                    executing.add(start.target().id());
                    inFlight.merge(runId, 1, Integer::sum);
                    busyWorkers++;
                    work.add(() -> execute(start));
                }
                for (RolloutScheduler.End end : pass.ends()) {
                    dequeue(queue, end.target().id());
                    busyWorkers++;
                    work.add(() -> end(end));
                }
                if (queue != null && queue.isEmpty()) {
                    pending.remove(runId);
                }
            }
            for (Runnable w : work) {
                try {
                    workers.execute(w);
                } catch (RuntimeException e) {
                    // Shutting down: the targets stay READY (or in flight) and are picked up after a restart.
                    synchronized (this) {
                        busyWorkers--;
                    }
                }
            }
        }
        if (again) {
            synchronized (this) {
                signalled = true;
            }
        }
        return wakeAt;
    }

    private synchronized List<ReadyTarget> candidates(String runId, int window) {
        LinkedHashMap<String, ReadyTarget> queue = pending.get(runId);
        if (queue == null) {
            return List.of();
        }
        List<ReadyTarget> candidates = new ArrayList<>(Math.min(queue.size(), window));
        Iterator<ReadyTarget> it = queue.values().iterator();
        while (it.hasNext() && candidates.size() < window) {
            candidates.add(it.next());
        }
        return candidates;
    }

    /** The queued target of {@code runId} with this target id, if any. */
    private synchronized ReadyTarget queued(String runId, String targetId) {
        LinkedHashMap<String, ReadyTarget> queue = pending.get(runId);
        return queue == null ? null : queue.get(RunTarget.idOf(runId, targetId));
    }

    private void dequeue(LinkedHashMap<String, ReadyTarget> queue, String id) {
        if (queue != null && queue.remove(id) != null) {
            queued--;
        }
    }

    private synchronized int freeWorkers() {
        return settings.workers() - busyWorkers;
    }

    /** On a worker: the claim (a round trip per target would serialize the fleet on the dispatcher thread). */
    private void execute(RolloutScheduler.Start start) {
        ReadyTarget target = start.target();
        boolean claimed = false;
        PatchflowEvent recorded = null;
        try {
            Instant now = clock.instant();
            RunTargetStore.Claim claim = store.claim(target.id(), settings.instanceId(), now,
                    now.plusSeconds(target.leaseSeconds()), start.token());
            if (claim instanceof RunTargetStore.Claimed c) {
                claimed = true;
                recorded = applier.apply(c.record());
            }
            // Held: another runner executes it under the same admission; Settled: done, or gone.
        } catch (PatchApplier.RunnerStoppingException e) {
            LOG.info(e.getMessage());
        } catch (RuntimeException e) {
            // A claimed target stays RUNNING until its lease expires; then it is retried.
            LOG.errorf(e, "applying %s failed; it will be retried after its lease expires", target.id());
        } finally {
            Instant back = null;
            try {
                back = scheduler.afterExecution(start, claimed, recorded).orElse(null);
            } catch (RuntimeException e) {
                // Its slot stays taken until the repair sweep reads the record.
                LOG.warnf(e, "cannot record the end of %s in the rollout state", target.id());
            }
            synchronized (this) {
                executing.remove(target.id());
                inFlight.computeIfPresent(target.runId(), (r, n) -> n <= 1 ? null : n - 1);
                if (back != null) {
                    // Back to READY (busy ledger entry, a same-run lock turn): it waits here until it is due.
                    enqueue(target.notBefore(back));
                }
            }
            release();
        }
    }

    private void end(RolloutScheduler.End end) {
        try {
            scheduler.end(end);
        } catch (RuntimeException e) {
            // Still READY (and queued in MongoDB): decided again on a later pass.
            LOG.warnf(e, "cannot end %s without starting it; retrying later", end.target().id());
        } finally {
            release();
        }
    }

    private synchronized void release() {
        busyWorkers--;
        signalled = true;
        notifyAll();
    }
}
