package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunOutcome;

class RunRulesTest {

    static RunView run(boolean scanCompleted, Integer expected, int terminal, boolean rejected) {
        return new RunView("r1", RunState.RUNNING, null, true, scanCompleted, expected, rejected,
                rejected ? "no selector" : null, terminal, null, null, null, null, null);
    }

    static TargetView target(String id, PatchView patch, ValidationView validation) {
        return new TargetView(id, id, "static", "dev", "lz", null, true, null, patch, validation);
    }

    static final ValidationView PASSED = new ValidationView("PASSED", null, null);

    @Test
    void runIsNotCompleteBeforeScanCompletedEvenIfEveryKnownTargetIsTerminal() {
        assertThat(RunRules.isComplete(run(false, null, 5, false))).isFalse();
    }

    @Test
    void runIsCompleteWhenTerminalTargetsReachTheScannedCount() {
        assertThat(RunRules.isComplete(run(true, 3, 2, false))).isFalse();
        assertThat(RunRules.isComplete(run(true, 3, 3, false))).isTrue();
    }

    @Test
    void runWithZeroTargetsIsCompleteAtScanCompleted() {
        assertThat(RunRules.isComplete(run(true, 0, 0, false))).isTrue();
        assertThat(RunRules.outcome(run(true, 0, 0, false), ViewCounts.ZERO)).isEqualTo(RunOutcome.SUCCEEDED);
    }

    @Test
    void rejectedRunIsCompleteWithOutcomeRejected() {
        RunView rejected = run(false, null, 0, true);
        assertThat(RunRules.isComplete(rejected)).isTrue();
        assertThat(RunRules.outcome(rejected, ViewCounts.ZERO)).isEqualTo(RunOutcome.REJECTED);
    }

    @Test
    void anyFailedTargetFailsTheRunAndCountsSplitSucceededFromFailed() {
        List<TargetView> targets = List.of(
                target("a", new PatchView("APPLIED", 0, null, null, null, null, Map.of()), PASSED),
                target("b", new PatchView("ALREADY_APPLIED", null, null, null, null, null, Map.of()), PASSED),
                target("c", new PatchView("FAILED", 1, "exit 1", null, null, null, Map.of()), null));
        RunView run = run(true, 3, 3, false);
        ViewCounts counts = ViewCounts.of(targets);
        assertThat(counts.terminal()).isEqualTo(3);
        assertThat(counts.succeeded()).isEqualTo(2);
        assertThat(counts.failed()).isEqualTo(1);
        assertThat(counts.patchFailed()).isEqualTo(1);
        assertThat(counts.alreadyApplied()).isEqualTo(1);
        assertThat(RunRules.outcome(run, counts)).isEqualTo(RunOutcome.FAILED);
        assertThat(RunRules.runCounts(run, targets)).isEqualTo(new RunCounts(3, 2, 1, 1, 0, 0));
    }

    @Test
    void runWithoutFailuresSucceeds() {
        List<TargetView> targets = List.of(target("a", new PatchView("DRY_RUN", 0, null, null, null, null, Map.of()),
                new ValidationView("SKIPPED", null, null)));
        ViewCounts counts = ViewCounts.of(targets);
        assertThat(RunRules.outcome(run(true, 1, 1, false), counts)).isEqualTo(RunOutcome.SUCCEEDED);
        assertThat(counts.validationSkipped()).isEqualTo(1);
        assertThat(counts.validationPassed()).isZero();
        assertThat(RunRules.runCounts(run(true, 1, 1, false), targets)).isEqualTo(new RunCounts(1, 1, 0, 0, 1, 0));
    }
}
