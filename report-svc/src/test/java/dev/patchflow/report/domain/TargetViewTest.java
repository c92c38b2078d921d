package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.patchflow.schemas.events.CheckResult;

class TargetViewTest {

    static final BackupView BACKED_UP = new BackupView("COMPLETED", "s3://b/k", "ab", 1L, null, null);
    static final PatchView APPLIED = new PatchView("APPLIED", 0, null, null, null, 1L, Map.of());
    static final ValidationView PASSED = new ValidationView("PASSED", List.of(), List.of());

    static TargetView view(BackupView b, PatchView p, ValidationView v) {
        return new TargetView("t1", "t1", "directory", "dev", "lz", "1.0.0", true, b, p, v);
    }

    @Test
    void scannedTargetIsPendingAndNotTerminal() {
        TargetView t = view(null, null, null);
        assertThat(t.status()).isEqualTo(TargetStatus.PENDING);
        assertThat(t.phase()).isEqualTo(TargetPhase.SCANNED);
        assertThat(t.terminal()).isFalse();
        assertThat(t.reason()).isNull();
    }

    @Test
    void appliedAndValidatedTargetSucceeded() {
        TargetView t = view(BACKED_UP, APPLIED, PASSED);
        assertThat(t.status()).isEqualTo(TargetStatus.SUCCEEDED);
        assertThat(t.phase()).isEqualTo(TargetPhase.VALIDATED);
        assertThat(t.terminal()).isTrue();
    }

    @Test
    void validationSeenBeforePatchIsAlreadyTerminalAndRefinedWhenThePatchArrives() {
        TargetView early = view(null, null, PASSED);
        assertThat(early.terminal()).isTrue();
        assertThat(early.phase()).isEqualTo(TargetPhase.VALIDATED);
        assertThat(early.status()).isEqualTo(TargetStatus.SUCCEEDED);

        TargetView late = view(BACKED_UP, new PatchView("ALREADY_APPLIED", null, null, null, null, null, null), PASSED);
        assertThat(late.phase()).isEqualTo(TargetPhase.VALIDATED);
        assertThat(late.status()).isEqualTo(TargetStatus.ALREADY_APPLIED);
    }

    @Test
    void backupArrivingAfterValidationDoesNotMoveThePhaseBack() {
        assertThat(view(BACKED_UP, null, PASSED).phase()).isEqualTo(TargetPhase.VALIDATED);
    }

    @Test
    void dryRunAndSkippedPatchesKeepTheirStatus() {
        assertThat(view(BACKED_UP, new PatchView("DRY_RUN", 0, null, null, null, null, null), PASSED).status())
                .isEqualTo(TargetStatus.DRY_RUN);
        assertThat(view(BACKED_UP, new PatchView("SKIPPED", null, null, null, null, null, null),
                new ValidationView("SKIPPED", null, null)).status()).isEqualTo(TargetStatus.SKIPPED);
    }

    @Test
    void backupFailureFailsTheTargetButOnlyPatchFailedMakesItTerminal() {
        BackupView failed = new BackupView("FAILED", null, null, null, null, "disk full");
        TargetView before = view(failed, null, null);
        assertThat(before.status()).isEqualTo(TargetStatus.FAILED);
        assertThat(before.terminal()).isFalse();
        assertThat(before.reason()).isEqualTo("backup failed: disk full");

        TargetView after = view(failed,
                new PatchView("FAILED", null, "not patched: backup failed: disk full", null, null, null, null), null);
        assertThat(after.terminal()).isTrue();
        assertThat(after.phase()).isEqualTo(TargetPhase.FAILED);
        assertThat(after.reason()).isEqualTo("not patched: backup failed: disk full");
    }

    @Test
    void failedValidationNamesEveryFailedCheckAndWhy() {
        var bad = List.of(new CheckResult("health", "command", false, "exit code 1"),
                new CheckResult("http", "http", false, "status 503"));
        TargetView t = view(BACKED_UP, APPLIED, new ValidationView("FAILED", bad, bad));
        assertThat(t.status()).isEqualTo(TargetStatus.FAILED);
        assertThat(t.reason()).isEqualTo("validation failed: health: exit code 1; http: status 503");
    }
}
