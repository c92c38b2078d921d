package dev.patchflow.patchctl.report;

import java.io.PrintWriter;
import java.util.List;

import dev.patchflow.patchctl.report.RunView.TargetView;

/**
 * What {@code request --follow} prints when the run it follows halts: why, where the run stands, and the two
 * commands that move it on. The run does not complete by itself while halted, so following it further would only
 * wait.
 */
public final class HaltNotice {

    private HaltNotice() {
    }

    public static void print(RunView run, PrintWriter out) {
        RunView.Counts c = run.counts();
        int waiting = run.pendingTargets().size();
        out.println("run " + run.runId() + ": HALTED" + (run.haltCause() == null ? "" : " (" + run.haltCause() + ")")
                + " - " + (run.reason() == null ? "no reason given" : run.reason()));
        out.println((run.expectedTargets() == null ? c.terminal() + waiting : run.expectedTargets()) + " targets, "
                + c.succeeded() + " succeeded, " + c.failed() + " failed, " + waiting + " waiting");
        List<TargetView> failed = run.targets().stream().filter(TargetView::failed).toList();
        if (!failed.isEmpty()) {
            out.println("failed targets:");
            for (TargetView target : failed) {
                out.println("  " + target.targetId() + "  " + target.failureReason());
            }
        }
        out.println("resume it:  patchctl runs resume " + run.runId());
        out.println("cancel it:  patchctl runs cancel " + run.runId());
        out.flush();
    }
}
