package dev.patchflow.report.domain;

import java.util.Collection;

/**
 * Per-phase counts of a run, as the API and the reports show them. {@code succeeded} counts terminal
 * targets that did not fail (including already applied, dry run and skipped ones); {@code failed} counts
 * targets where any stage failed (targets the runner never started are terminal but neither);
 * {@code validationPassed} excludes skipped validations, which are in
 * {@code validationSkipped}.
 */
public record ViewCounts(int scanned, int backedUp, int backupSkipped, int backupFailed, int applied,
        int alreadyApplied, int dryRun, int patchSkipped, int patchFailed, int validationPassed, int validationSkipped,
        int validationFailed, int terminal, int succeeded, int failed) {

    public static final ViewCounts ZERO = new ViewCounts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Counts a run whose targets are already in memory; a large run is counted with a {@link TargetTally}. */
    public static ViewCounts of(Collection<TargetView> targets) {
        TargetTally tally = new TargetTally();
        targets.forEach(tally::add);
        return tally.counts();
    }
}
