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
        RolloutView rollout = run.rollout();
        if (rollout != null && rollout.failed("PREFLIGHT").isPresent()) {
            // A database cluster's failed preflight rejects its rollout: nothing was touched.
            return RunOutcome.REJECTED;
        }
        if (counts.failed() > 0 || (rollout != null && (rollout.failed("CLONE_TEST").isPresent()
                || rollout.failed("POSTFLIGHT").isPresent()))) {
            return RunOutcome.FAILED;
        }
        return counts.terminal() > counts.succeeded() ? RunOutcome.INCOMPLETE : RunOutcome.SUCCEEDED;
    }

    /** The totals carried by RunCompleted; already applied, dry run and skipped are part of succeeded. */
    public static RunCounts runCounts(RunView run, Collection<TargetView> targets) {
        int total = run.expectedTargets() != null ? Math.max(run.expectedTargets(), targets.size()) : targets.size();
        int succeeded = 0, failed = 0, alreadyApplied = 0, dryRun = 0, skipped = 0;
        for (TargetView t : targets) {
            switch (t.status()) {
                case FAILED -> failed++;
                case SUCCEEDED -> succeeded++;
                case ALREADY_APPLIED -> {
                    succeeded++;
                    alreadyApplied++;
                }
                case DRY_RUN -> {
                    succeeded++;
                    dryRun++;
                }
                case SKIPPED -> {
                    succeeded++;
                    skipped++;
                }
                case CANCELLED, NOT_STARTED -> {
                    // never started: neither succeeded nor failed
                }
                case PENDING -> {
                    // not terminal: only possible for a rejected run or a target outside the scan count
                }
            }
        }
        return new RunCounts(total, succeeded, failed, alreadyApplied, dryRun, skipped);
    }

    /** Why the run ended as it did: the scanner's rejection, else a database cluster's failed phase. */
    public static String reason(RunView run) {
        if (run.reason() != null || run.rollout() == null) {
            return run.reason();
        }
        for (String phase : List.of("PREFLIGHT", "CLONE_TEST", "POSTFLIGHT")) {
            var failed = run.rollout().failed(phase);
            if (failed.isPresent()) {
                return phase.toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " of cluster "
                        + failed.get().clusterId() + " failed: " + failed.get().reason();
            }
        }
        return null;
    }

    /**
     * Targets whose version differs from the one wanted, as a dry run (the drift audit) found them: the executor's
     * {@code details.drift} when it says ({@code versionFound}, {@code versionWanted}), else the scanned
     * {@code installedVersion} against the patch version.
     */
    public static List<RunReport.Drift> drift(RunView run, List<TargetReport> targets) {
        if (targets == null || run.context() == null || run.context().patch() == null) {
            return null;
        }
        String wanted = run.context().patch().version();
        List<RunReport.Drift> drift = new java.util.ArrayList<>();
        for (TargetReport t : targets) {
            var details = t.patch() == null ? java.util.Map.<String, String>of() : t.patch().details();
            if (details.containsKey("drift")) {
                if (Boolean.parseBoolean(details.get("drift"))) {
                    drift.add(new RunReport.Drift(t.targetId(), details.get("versionFound"),
                            details.getOrDefault("versionWanted", wanted)));
                }
            } else if (run.context().options().dryRun() && t.installedVersion() != null
                    && !t.installedVersion().equals(wanted)) {
                drift.add(new RunReport.Drift(t.targetId(), t.installedVersion(), wanted));
            }
        }
        return drift;
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
        return new RunReport(run.runId(), run.state(), run.outcome(), reason(run), patch,
                ctx == null ? null : ctx.requestedBy(), ctx == null ? null : ctx.requestedAt(), run.completedAt(),
                ctx != null && ctx.options().dryRun(), run.expectedTargets(), counts, run.reportLocation(),
                run.rollout(), drift(run, targets), targets);
    }
}
