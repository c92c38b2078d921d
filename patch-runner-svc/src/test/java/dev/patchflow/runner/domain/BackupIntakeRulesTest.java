package dev.patchflow.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/** The pipeline rules of PIPELINE-SEMANTICS.md for what the runner does with a backup outcome. */
class BackupIntakeRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final Target TARGET = Fixtures.staticTarget("db-7");

    private static RunContext run(Phases phases) {
        return Fixtures.run("run-1", Fixtures.patch("p", "1", "process", List.of("true"), null), false, phases,
                null);
    }

    @Test
    void aFailedBackupIsNotPatchedAndFailsWithTheBackupReason() {
        RunTarget decided = BackupIntake.decide(run(Phases.ALL), TARGET, "disk full", NOW);

        assertThat(decided.state()).isEqualTo(TargetState.DONE);
        assertThat(decided.outcome()).isInstanceOfSatisfying(PatchFailed.class,
                f -> assertThat(f.reason()).isEqualTo("not patched: backup failed: disk full"));
    }

    @Test
    void aCompletedBackupMakesTheTargetReady() {
        RunTarget decided = BackupIntake.decide(run(Phases.ALL), TARGET, null, NOW);

        assertThat(decided.state()).isEqualTo(TargetState.READY);
        assertThat(decided.id()).isEqualTo("run-1/db-7");
        assertThat(decided.outcome()).isNull();
    }

    @Test
    void withThePatchPhaseOffTheTargetIsSkipped() {
        RunTarget decided = BackupIntake.decide(run(new Phases(true, false, true)), TARGET, null, NOW);

        assertThat(decided.outcome()).isInstanceOfSatisfying(PatchApplied.class,
                a -> assertThat(a.status()).isEqualTo(PatchStatus.SKIPPED));
    }

    @Test
    void aBackupFailureDoesNotBlockPatchingWhenTheRunTurnedBackupsOff() {
        RunTarget decided = BackupIntake.decide(run(new Phases(false, true, true)), TARGET, "no backup taken", NOW);

        assertThat(decided.state()).isEqualTo(TargetState.READY);
    }
}
