package dev.patchflow.runner.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

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
 * Takes a target in from the backup stage. It only records (a READY target for the dispatcher, or an
 * outcome that needs no execution) and returns: the consumer thread never waits for a patch to run.
 * <p>
 * Idempotent by the {@code runId/targetId} record: a redelivered backup event finds the record; if it
 * holds an outcome, that recorded outcome is emitted again (same deterministic event id), otherwise the
 * target is already queued or running and nothing more happens.
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
        // Recorded before the target is: a cluster's preflight must never miss a node's backup.
        gate.backupCompleted(event);
        return accept(event.run(), event.target(), null);
    }

    public Result onBackupFailed(BackupFailed event) {
        return accept(event.run(), event.target(), event.reason());
    }

    private Result accept(RunContext run, Target target, String backupFailure) {
        Instant now = clock.instant();
        RunTarget fresh = decide(run, target, backupFailure, now);
        // The rollout state learns of the target first (idempotent): a crash after it leaves nothing unknown to
        // the scheduler, which needs the target's cluster, landing zone and whether it failed before patching.
        scheduler.arrived(run, target, fresh.outcome());
        RunTarget stored = store.insertIfAbsent(fresh);
        switch (stored.state()) {
            case DONE -> {
                // First time (no execution needed) or a redelivery after the outcome was recorded: emit it
                // (again, with the same deterministic event id) instead of deciding or running anything.
                recorder.emit(stored.id(), stored.outcome());
                return Result.EMITTED;
            }
            case READY -> {
                boolean first = stored.readyAt() != null && stored.readyAt().equals(fresh.readyAt());
                dispatcher.offer(new RunTargetStore.ReadyTarget(stored.id(), stored.runId(),
                        stored.maxConcurrency(), dispatcher.leaseSeconds(stored.run())));
                return first ? Result.QUEUED : Result.IN_PROGRESS;
            }
            default -> {
                LOG.debugf("%s is already running; redelivery ignored", stored.id());
                return Result.IN_PROGRESS;
            }
        }
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
