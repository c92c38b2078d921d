package dev.patchflow.runner.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.rollout.ClusterGate;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * Takes targets in from the backup stage. It only records (a READY target for the dispatcher, or an outcome
 * that needs no execution) and returns: the consumer thread never waits for a patch to run.
 * <p>
 * Idempotent by the {@code runId/targetId} record: a redelivered backup event finds the record; if it holds an
 * outcome, that recorded outcome is emitted again (same deterministic event id), otherwise the target is already
 * queued or running and nothing more happens. A batch ({@link #acceptAll}) costs a constant number of writes
 * however many targets it holds (per run: the arrival in transit, the inserts, the count), and a duplicate inside
 * one batch is treated like a redelivery.
 */
@ApplicationScoped
public class BackupIntake {

    private static final Logger LOG = Logger.getLogger(BackupIntake.class);

    /** Prefix of the reason of a target that was not patched because its restore point is missing. */
    public static final String BACKUP_FAILED_PREFIX = "not patched: backup failed: ";

    /** What happened to the incoming event. */
    public enum Result {
        /** Queued for the dispatcher (first time). */
        QUEUED,
        /** Already queued or running (redelivery while in progress). */
        IN_PROGRESS,
        /** An outcome was recorded (now or earlier) and emitted. */
        EMITTED
    }

    private final RunTargetStore store;
    private final OutcomeRecorder recorder;
    private final Dispatcher dispatcher;
    private final RolloutScheduler scheduler;
    private final Clock clock;
    private final ClusterGate gate;

    public BackupIntake(RunTargetStore store, OutcomeRecorder recorder, Dispatcher dispatcher,
            RolloutScheduler scheduler, Clock clock) {
        this(store, recorder, dispatcher, scheduler, clock, ClusterGate.OPEN);
    }

    @Inject
    public BackupIntake(RunTargetStore store, OutcomeRecorder recorder, Dispatcher dispatcher,
            RolloutScheduler scheduler, Clock clock, ClusterGate gate) {
        this.gate = gate;
        this.store = store;
        this.scheduler = scheduler;
        this.recorder = recorder;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    public Result onBackupCompleted(BackupCompleted event) {
        return acceptAll(List.of(event)).get(0);
    }

    public Result onBackupFailed(BackupFailed event) {
        return acceptAll(List.of(event)).get(0);
    }

    /**
     * Takes a batch of {@code BackupCompleted} / {@code BackupFailed} events in with bulk writes; any other event
     * type is answered {@code null} and ignored.
     *
     * @return what happened to each event, in order
     */
    public List<Result> acceptAll(List<? extends PatchflowEvent> events) {
        Instant now = clock.instant();
        // One decision per runId/targetId: a later copy in the same batch is a redelivery of the first.
        Map<String, RunTarget> fresh = new LinkedHashMap<>();
        List<String> ids = new ArrayList<>(events.size());
        for (PatchflowEvent event : events) {
            RunTarget decided;
            if (event instanceof BackupCompleted c) {
                // Recorded before the target is: a cluster's preflight must never miss a node's backup.
                gate.backupCompleted(c);
                decided = decide(c.run(), c.target(), null, now);
            } else if (event instanceof BackupFailed f) {
                decided = decide(f.run(), f.target(), f.reason(), now);
            } else {
                ids.add(null);
                continue;
            }
            ids.add(decided.id());
            fresh.putIfAbsent(decided.id(), decided);
        }
        if (fresh.isEmpty()) {
            return ids.stream().map(id -> (Result) null).toList();
        }
        List<RunTarget> records = new ArrayList<>(fresh.values());
        // The rollout state learns of the arrivals first (in transit): a crash after it leaves nothing the repair
        // could not count, and a crash before it nothing at all (the events are delivered again).
        RolloutScheduler.Arrivals arrivals = scheduler.beginArrivals(records);
        List<RunTargetStore.Stored> stored = store.insertAllIfAbsent(records, arrivals.nonces());
        scheduler.completeArrivals(arrivals, stored);

        Map<String, Result> first = new LinkedHashMap<>();
        List<RunTargetStore.ReadyTarget> ready = new ArrayList<>();
        for (RunTargetStore.Stored s : stored) {
            RunTarget record = s.record();
            switch (record.state()) {
                case DONE -> {
                    // First time (no execution needed) or a redelivery after the outcome was recorded: emit it
                    // (again, with the same deterministic event id) instead of deciding or running anything.
                    recorder.emit(record.id(), record.outcome());
                    first.put(record.id(), Result.EMITTED);
                }
                case READY -> {
                    ready.add(RunTargetStore.ReadyTarget.of(record, dispatcher.leaseSeconds(record.run())));
                    first.put(record.id(), s.inserted() ? Result.QUEUED : Result.IN_PROGRESS);
                }
                default -> {
                    LOG.debugf("%s is already running; redelivery ignored", record.id());
                    first.put(record.id(), Result.IN_PROGRESS);
                }
            }
        }
        if (!ready.isEmpty()) {
            dispatcher.offerAll(ready);
        }
        List<Result> results = new ArrayList<>(ids.size());
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (id == null) {
                results.add(null);
            } else if (seen.add(id)) {
                results.add(first.get(id));
            } else {
                // A duplicate inside the batch: what a redelivery of the first copy would have answered.
                results.add(first.get(id) == Result.QUEUED ? Result.IN_PROGRESS : first.get(id));
            }
        }
        return results;
    }

    /** The pipeline rules (PIPELINE-SEMANTICS.md): backup failure, patch phase off, otherwise run it. */
    static RunTarget decide(RunContext run, Target target, String backupFailure, Instant now) {
        boolean backupPhase = run.options().phases().backup();
        boolean patchPhase = run.options().phases().patch();
        if (backupFailure != null && backupPhase) {
            // A missing restore point always wins: the target's story is "failed before patching".
            PatchflowEvent failed = new PatchFailed(run, target, BACKUP_FAILED_PREFIX + backupFailure, null, null,
                    null, null, Map.of());
            return RunTarget.done(run, target, failed, now);
        }
        if (!patchPhase) {
            PatchflowEvent skipped = new PatchApplied(run, target, PatchStatus.SKIPPED, null, null, null, null,
                    Map.of("reason", "patch phase off"));
            return RunTarget.done(run, target, skipped, now);
        }
        return RunTarget.ready(run, target, now);
    }
}
