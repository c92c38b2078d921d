package dev.patchflow.report.domain;

import java.time.Instant;
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
    private Instant latestTerminalAt;

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

    /**
     * Adds the time of a target's terminal event (the earliest copy's CloudEvent {@code time}); the latest of them
     * is when the last target ended ({@link RunRules#completedAt}).
     */
    public TargetTally terminalAt(Instant at) {
        if (at != null && (latestTerminalAt == null || at.isAfter(latestTerminalAt))) {
            latestTerminalAt = at;
        }
        return this;
    }

    /** The latest of the terminal event times added, {@code null} if none. */
    public Instant latestTerminalAt() {
        return latestTerminalAt;
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
