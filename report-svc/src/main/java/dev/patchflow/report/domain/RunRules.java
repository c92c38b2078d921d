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

    /**
     * When the run completed, as a fact of the log: the latest CloudEvent {@code time} among the events that made
     * it complete — {@code ScanCompleted} (or {@code RunRejected}) and each target's terminal event (the earliest
     * copy of each, so a redelivery or a re-emission changes nothing). Neither the clock of the service that
     * completes the run nor the order in which it reads the topics (a replay reads them in parallel) plays a part,
     * so a second replica or a replay writes the same time. {@code null} when no such event carried a time.
     */
    public static java.time.Instant completedAt(RunView run, java.time.Instant latestTerminalAt) {
        java.time.Instant scanEnded = run.scanEndedAt();
        if (scanEnded == null) {
            return latestTerminalAt;
        }
        return latestTerminalAt == null || scanEnded.isAfter(latestTerminalAt) ? scanEnded : latestTerminalAt;
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

    private static String haltReason(RolloutView rollout) {
        if (rollout.haltReason() != null) {
            return rollout.haltReason();
        }
        return rollout.haltCause() == null ? "halted" : "halted: " + rollout.haltCause();
    }

    /**
     * Targets whose version differs from the one wanted, as a dry run (the drift audit) found them: the executor's
     * {@code details.drift} when it says ({@code versionFound}, {@code versionWanted}), else the scanned
     * {@code installedVersion} against the patch version. {@code null} without targets or without a patch.
     */
    public static List<RunReport.Drift> drift(RunView run, List<TargetReport> targets) {
        if (targets == null || run.context() == null || run.context().patch() == null) {
            return null;
        }
        boolean dryRun = run.context().options().dryRun();
        String wanted = run.context().patch().version();
        return targets.stream().map(t -> drift(dryRun, wanted, t)).flatMap(java.util.Optional::stream).toList();
    }

    /**
     * One target's drift (see {@link #drift(RunView, List)}), so that a streamed report judges its targets one at
     * a time. Outside a dry run only an executor's {@code details.drift} can say a target drifted.
     */
    public static java.util.Optional<RunReport.Drift> drift(boolean dryRun, String wanted, TargetReport t) {
        var details = t.patch() == null ? java.util.Map.<String, String>of() : t.patch().details();
        if (details.containsKey("drift")) {
            return Boolean.parseBoolean(details.get("drift"))
                    ? java.util.Optional.of(new RunReport.Drift(t.targetId(), details.get("versionFound"),
                            details.getOrDefault("versionWanted", wanted)))
                    : java.util.Optional.empty();
        }
        if (dryRun && t.installedVersion() != null && !t.installedVersion().equals(wanted)) {
            return java.util.Optional.of(new RunReport.Drift(t.targetId(), t.installedVersion(), wanted));
        }
        return java.util.Optional.empty();
    }

    /**
     * The state the API, the reports and the dashboard show: {@code HALTED} for a {@code RUNNING} run whose
     * rollout is halted and neither resumed nor cancelled, else the stored state.
     */
    public static RunState shownState(RunView run) {
        return run.state() == RunState.RUNNING && run.rollout() != null && run.rollout().holding()
                ? RunState.HALTED
                : run.state();
    }

    /** The API/report view of a run and its targets (targets sorted by id by the caller). */
    public static RunReport report(RunView run, List<TargetView> targets) {
        ViewCounts counts = run.counts() != null ? run.counts() : ViewCounts.of(targets);
        String waitReason = summary(run, counts, null).waitReason();
        return summary(run, counts, targets.stream().map(t -> TargetReport.of(t, waitReason)).toList());
    }

    /** As {@link #report} but with given counts and targets (a summary passes {@code null} targets). */
    public static RunReport summary(RunView run, ViewCounts counts, List<TargetReport> targets) {
        var ctx = run.context();
        var patch = ctx == null || ctx.patch() == null
                ? null
                : new RunReport.PatchRef(ctx.patch().id(), ctx.patch().version());
        RunState state = shownState(run);
        boolean halted = state == RunState.HALTED;
        // While halted the run's reason is the halt's (the runner's words, e.g. "4 failures exceed the error budget
        // of 3"); a scanner rejection or a failed cluster phase would have ended the run instead.
        String reason = halted && reason(run) == null ? haltReason(run.rollout()) : reason(run);
        return new RunReport(run.runId(), state, run.outcome(), reason, patch, ctx == null ? null : ctx.requestedBy(),
                ctx == null ? null : ctx.requestedAt(), run.completedAt(), ctx != null && ctx.options().dryRun(),
                run.expectedTargets(), counts, run.reportLocation(), run.rollout(), drift(run, targets), targets,
                halted ? run.rollout().haltCause() : null, ctx != null && ctx.options().phases().scannerOnly(),
                run.zoneErrors());
    }
}
