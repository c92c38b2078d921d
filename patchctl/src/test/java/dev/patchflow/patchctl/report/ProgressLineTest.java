package dev.patchflow.patchctl.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private static RunView run(Integer expected, RunView.Counts counts) {
        return new RunView("r1", "RUNNING", null, null, null, null, null, null, false, expected, counts, null,
                List.of(), List.of());
    }

    @Test
    void showsTheCommonCountsOnly() {
        RunView.Counts counts = new RunView.Counts(6, 6, 0, 0, 5, 0, 0, 0, 1, 4, 0, 1, 6, 4, 2);

        assertThat(ProgressLine.of(run(6, counts)))
                .isEqualTo("scanned 6/6  backed up 6  patched 5  validated 5  failed 2");
    }

    @Test
    void spellsOutSkippedAlreadyAppliedAndDryRunWorkWhenThereIsSome() {
        RunView.Counts counts = new RunView.Counts(4, 0, 4, 0, 0, 1, 3, 0, 0, 0, 4, 0, 4, 4, 0);

        assertThat(ProgressLine.of(run(4, counts))).isEqualTo("scanned 4/4  backed up 0 (skipped 4)  patched 4 "
                + "(already applied 1) (dry run 3)  validated 0 (skipped 4)  failed 0");
    }

    @Test
    void marksTheTargetCountUnknownUntilTheScanCompletes() {
        RunView.Counts counts = new RunView.Counts(2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        assertThat(ProgressLine.of(run(null, counts))).startsWith("scanned 2/?  ");
    }
}
