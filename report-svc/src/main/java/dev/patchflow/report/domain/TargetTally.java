package dev.patchflow.report.domain;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts over a run's targets, added one target at a time, so that a run of any size is counted in one pass
 * over its views without holding them. Gives both the dashboard's {@link ViewCounts} and the per-status
 * totals behind {@code RunCompleted.counts}.
 */
public final class TargetTally {

    private int targets, scanned, backedUp, backupSkipped, backupFailed, applied, alreadyApplied, dryRun,
            patchSkipped, patchFailed, validationPassed, validationSkipped, validationFailed, terminal, succeeded,
            failed;
    private final Map<TargetStatus, Integer> byStatus = new EnumMap<>(TargetStatus.class);

    public TargetTally add(TargetView t) {
        targets++;
        if (t.scanned()) {
            scanned++;
        }
        if (t.backup() != null) {
            switch (t.backup().status()) {
                case BackupView.COMPLETED -> backedUp++;
                case BackupView.SKIPPED -> backupSkipped++;
                default -> backupFailed++;
            }
        }
        if (t.patch() != null) {
            switch (t.patch().status()) {
                case "APPLIED" -> applied++;
                case "ALREADY_APPLIED" -> alreadyApplied++;
                case "DRY_RUN" -> dryRun++;
                case "SKIPPED" -> patchSkipped++;
                case PatchView.FAILED -> patchFailed++;
                default -> {
                    // PatchNotStarted: not a patch failure; counted in terminal, not in succeeded.
                }
            }
        }
        if (t.validation() != null) {
            switch (t.validation().status()) {
                case ValidationView.PASSED -> validationPassed++;
                case ValidationView.SKIPPED -> validationSkipped++;
                default -> validationFailed++;
            }
        }
        boolean isFailed = t.failed();
        if (isFailed) {
            failed++;
        }
        if (t.terminal()) {
            terminal++;
            if (!isFailed && !(t.patch() != null && t.patch().notStarted())) {
                succeeded++;
            }
        }
        byStatus.merge(t.status(), 1, Integer::sum);
        return this;
    }

    /** How many target views were added. */
    public int targets() {
        return targets;
    }

    /** How many of them have this derived status. */
    public int count(TargetStatus status) {
        return byStatus.getOrDefault(status, 0);
    }

    public ViewCounts counts() {
        return new ViewCounts(scanned, backedUp, backupSkipped, backupFailed, applied, alreadyApplied, dryRun,
                patchSkipped, patchFailed, validationPassed, validationSkipped, validationFailed, terminal, succeeded,
                failed);
    }
}
