package dev.patchflow.backup.domain;

import java.time.Instant;

import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/** What became of one target's backup, and the event that tells the pipeline. */
public sealed interface BackupOutcome {

    /** True when the outcome comes from the record of an earlier delivery (nothing was redone). */
    boolean replayed();

    /** The event to emit: BackupCompleted (COMPLETED or SKIPPED) or BackupFailed. */
    PatchflowEvent toEvent(RunContext run, Target target);

    record Created(String method, RestorePoint restorePoint, Instant completedAt, boolean replayed)
            implements
                BackupOutcome {

        @Override
        public PatchflowEvent toEvent(RunContext run, Target target) {
            return new BackupCompleted(run, target, BackupStatus.COMPLETED, restorePoint.location(),
                    restorePoint.sha256(), restorePoint.sizeBytes(), null, completedAt, method,
                    restorePoint.details());
        }
    }

    record Skipped(String note, Instant completedAt, boolean replayed) implements BackupOutcome {

        @Override
        public PatchflowEvent toEvent(RunContext run, Target target) {
            return new BackupCompleted(run, target, BackupStatus.SKIPPED, null, null, null, note, completedAt, null,
                    null);
        }
    }

    record Failed(String reason, boolean replayed) implements BackupOutcome {

        @Override
        public PatchflowEvent toEvent(RunContext run, Target target) {
            return new BackupFailed(run, target, reason);
        }
    }
}
