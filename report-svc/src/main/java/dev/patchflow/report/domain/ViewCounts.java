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

    public static ViewCounts of(Collection<TargetView> targets) {
        int scanned = 0, backedUp = 0, backupSkipped = 0, backupFailed = 0, applied = 0, alreadyApplied = 0,
                dryRun = 0, patchSkipped = 0, patchFailed = 0, validationPassed = 0, validationSkipped = 0,
                validationFailed = 0, terminal = 0, succeeded = 0, failed = 0;
        for (TargetView t : targets) {
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
        }
        return new ViewCounts(scanned, backedUp, backupSkipped, backupFailed, applied, alreadyApplied, dryRun,
                patchSkipped, patchFailed, validationPassed, validationSkipped, validationFailed, terminal, succeeded,
                failed);
    }
}
