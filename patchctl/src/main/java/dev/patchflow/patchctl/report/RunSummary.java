package dev.patchflow.patchctl.report;

import java.io.PrintWriter;
import java.util.List;

import dev.patchflow.patchctl.report.RunView.TargetView;

/** The closing summary of a completed run: its outcome, and every failed target with its reason. */
public final class RunSummary {

    private RunSummary() {
    }

    public static void print(RunView run, PrintWriter out) {
        RunView.Counts c = run.counts();
        StringBuilder head = new StringBuilder("run ").append(run.runId()).append(": ").append(run.outcome());
        if ("REJECTED".equals(run.outcome())) {
            head.append(" - ").append(run.reason() == null ? "no reason given" : run.reason());
        } else {
            head.append(" - ").append(run.expectedTargets() == null ? c.terminal() : run.expectedTargets())
                    .append(" targets, ").append(c.succeeded()).append(" succeeded, ").append(c.failed())
                    .append(" failed");
            if (c.alreadyApplied() > 0) {
                head.append(", ").append(c.alreadyApplied()).append(" already applied");
            }
            if (Boolean.TRUE.equals(run.dryRun())) {
                head.append(" (dry run)");
            }
        }
        out.println(head);
        List<TargetView> failed = run.targets().stream().filter(TargetView::failed).toList();
        if (!failed.isEmpty()) {
            out.println("failed targets:");
            for (TargetView target : failed) {
                out.println("  " + target.targetId() + "  " + target.failureReason());
            }
        }
        out.flush();
    }
}
