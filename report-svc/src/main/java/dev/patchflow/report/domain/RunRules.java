package dev.patchflow.report.domain;

import java.util.Collection;
import java.util.List;

import dev.patchflow.schemas.events.RunCounts;
import dev.patchflow.schemas.events.RunOutcome;

/** The completion rules of PIPELINE-SEMANTICS.md, as pure functions. */
public final class RunRules {

    private RunRules() {
    }

    /**
     * A run is complete when it was rejected, or when the scan is complete and as many targets are
     * terminal as the scan found (0 targets: complete at ScanCompleted).
     */
    public static boolean isComplete(RunView run) {
        return run.rejected()
                || (run.scanCompleted() && run.expectedTargets() != null && run.terminal() >= run.expectedTargets());
    }

    /**
     * REJECTED, else FAILED if any target failed (backup, patch or validation), else INCOMPLETE if a target
     * was never started (cancelled, cut off, budget, refused), else SUCCEEDED.
     */
    public static RunOutcome outcome(RunView run, ViewCounts counts) {
        if (run.rejected()) {
            return RunOutcome.REJECTED;
        }
        if (counts.failed() > 0) {
            return RunOutcome.FAILED;
        }
        return counts.terminal() > counts.succeeded() ? RunOutcome.INCOMPLETE : RunOutcome.SUCCEEDED;
    }

    /** The totals carried by RunCompleted; already applied, dry run and skipped are part of succeeded. */
    public static RunCounts runCounts(RunView run, Collection<TargetView> targets) {
        TargetTally tally = new TargetTally();
        targets.forEach(tally::add);
        return runCounts(run, tally);
    }

    /**
     * As {@link #runCounts(RunView, Collection)}, from a tally of the run's targets. Targets the runner never
     * started ({@code CANCELLED}, {@code NOT_STARTED}) are neither succeeded nor failed; a {@code PENDING} target
     * is only possible for a rejected run or a target outside the scan count.
     */
    public static RunCounts runCounts(RunView run, TargetTally tally) {
        int total = run.expectedTargets() != null ? Math.max(run.expectedTargets(), tally.targets()) : tally.targets();
        int alreadyApplied = tally.count(TargetStatus.ALREADY_APPLIED);
        int dryRun = tally.count(TargetStatus.DRY_RUN);
        int skipped = tally.count(TargetStatus.SKIPPED);
        int succeeded = tally.count(TargetStatus.SUCCEEDED) + alreadyApplied + dryRun + skipped;
        return new RunCounts(total, succeeded, tally.count(TargetStatus.FAILED), alreadyApplied, dryRun, skipped);
    }

    /** The API/report view of a run and its targets (targets sorted by id by the caller). */
    public static RunReport report(RunView run, List<TargetView> targets) {
        ViewCounts counts = run.counts() != null ? run.counts() : ViewCounts.of(targets);
        return summary(run, counts, targets.stream().map(TargetReport::of).toList());
    }

    /** As {@link #report} but with given counts and targets (a summary passes {@code null} targets). */
    public static RunReport summary(RunView run, ViewCounts counts, List<TargetReport> targets) {
        var ctx = run.context();
        var patch = ctx == null || ctx.patch() == null
                ? null
                : new RunReport.PatchRef(ctx.patch().id(), ctx.patch().version());
        return new RunReport(run.runId(), run.state(), run.outcome(), run.reason(), patch,
                ctx == null ? null : ctx.requestedBy(), ctx == null ? null : ctx.requestedAt(), run.completedAt(),
                ctx != null && ctx.options().dryRun(), run.expectedTargets(), counts, run.reportLocation(),
                run.rollout(), targets);
    }
}
