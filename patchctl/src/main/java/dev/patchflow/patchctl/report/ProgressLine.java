package dev.patchflow.patchctl.report;

import dev.patchflow.patchctl.report.RunView.Counts;

/**
 * One line of progress, e.g. {@code scanned 6/6  backed up 6  patched 5  validated 4  failed 1}.
 * Skipped and dry-run work is shown only when there is some, so that the common line stays short.
 */
public final class ProgressLine {

    private ProgressLine() {
    }

    public static String of(RunView run) {
        Counts c = run.counts();
        StringBuilder line = new StringBuilder();
        line.append("scanned ").append(c.scanned()).append('/')
                .append(run.expectedTargets() == null ? "?" : run.expectedTargets().toString());
        line.append("  backed up ").append(c.backedUp());
        if (c.backupSkipped() > 0) {
            line.append(" (skipped ").append(c.backupSkipped()).append(')');
        }
        line.append("  patched ").append(c.applied() + c.alreadyApplied() + c.dryRun());
        if (c.alreadyApplied() > 0) {
            line.append(" (already applied ").append(c.alreadyApplied()).append(')');
        }
        if (c.dryRun() > 0) {
            line.append(" (dry run ").append(c.dryRun()).append(')');
        }
        if (c.patchSkipped() > 0) {
            line.append(" (skipped ").append(c.patchSkipped()).append(')');
        }
        line.append("  validated ").append(c.validationPassed() + c.validationFailed());
        if (c.validationSkipped() > 0) {
            line.append(" (skipped ").append(c.validationSkipped()).append(')');
        }
        line.append("  failed ").append(c.failed());
        return line.toString();
    }
}
