package dev.patchflow.backup.domain;

import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/** What to do for one scanned target, decided from the event alone (see PIPELINE-SEMANTICS.md). */
public sealed interface BackupPlan {

    String NOTE_PHASE_OFF = "backup phase off";
    String NOTE_DRY_RUN = "dry run";
    String NOTE_STATIC = "nothing to archive for static targets";

    /** Make a restore point with this method. */
    record Create(BackupMethod method) implements BackupPlan {
    }

    /** Emit SKIPPED with this note. */
    record Skip(String note) implements BackupPlan {
    }

    /** No restore point can be made for this target: emit BackupFailed. */
    record Refuse(String reason) implements BackupPlan {
    }

    static BackupPlan of(RunContext run, Target target, BackupMethods methods) {
        if (!run.options().phases().backup()) {
            return new Skip(NOTE_PHASE_OFF);
        }
        if (run.options().dryRun()) {
            return new Skip(NOTE_DRY_RUN);
        }
        if (Target.KIND_STATIC.equals(target.kind())) {
            return new Skip(NOTE_STATIC);
        }
        // Failing is the safe answer: the runner does not patch a target without a restore point.
        return methods.forKind(target.kind())
                .<BackupPlan>map(Create::new)
                .orElseGet(() -> new Refuse("no backup method for targets of kind " + target.kind()));
    }
}
