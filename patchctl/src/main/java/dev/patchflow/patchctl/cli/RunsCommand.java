package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;

import dev.patchflow.patchctl.report.HaltNotice;
import dev.patchflow.patchctl.report.ProgressLine;
import dev.patchflow.patchctl.report.ReportApi;
import dev.patchflow.patchctl.report.RunFollower;
import dev.patchflow.patchctl.report.RunNotFoundException;
import dev.patchflow.patchctl.report.RunSummary;
import dev.patchflow.patchctl.report.RunView;
import dev.patchflow.patchctl.report.RunView.TargetView;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "runs", mixinStandardHelpOptions = true, description = "Runs as report-svc sees them.", subcommands = {
        RunsCommand.ListRuns.class, RunsCommand.ShowRun.class, RunsCommand.WatchRun.class,
        RunControlCommand.Approve.class,
        RunControlCommand.Halt.class, RunControlCommand.Resume.class, RunControlCommand.Cancel.class})
public class RunsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first.")
    public static class ListRuns implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            Verbosity.apply(common.verbose);
            PrintWriter out = spec.commandLine().getOut();
            List<RunView> runs = new ReportApi(common.reportUrl, common.token()).runs();
            String format = "%-36s  %-9s  %-9s  %-24s  %7s  %-12s  %s%n";
            out.printf(format, "RUN ID", "STATE", "OUTCOME", "PATCH", "TARGETS", "REQUESTED BY", "REQUESTED AT");
            for (RunView run : runs) {
                out.printf(format, run.runId(), run.state(), dash(run.outcome()),
                        run.patch() == null ? "-" : run.patch().id() + " " + run.patch().version(),
                        run.expectedTargets() == null ? "-" : run.expectedTargets().toString(),
                        dash(run.requestedBy()), dash(run.requestedAt()));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, description = {
            "Follow a run live (report-svc's stream of the run) until it completes or halts: a progress line per change, "
                    + "then the outcome and the failed targets, or the halt's cause and the commands that move it on."}, footer = {
                            "",
                            "Exit codes: 0 SUCCEEDED, 1 report-svc not reachable, 3 FAILED, 4 REJECTED, 5 follow timeout, "
                                    + "9 HALTED (resume or cancel it)."})
    public static class WatchRun implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "<runId>", description = "The run to watch.")
        String runId;

        @Mixin
        FollowOptions follow;

        Clock clock = Clock.systemDefaultZone();

        @Override
        public Integer call() {
            Verbosity.apply(common.verbose);
            PrintWriter out = spec.commandLine().getOut();
            ReportApi api = new ReportApi(common.reportUrl, common.token());
            RunView run = new RunFollower(api, out, clock, follow.pollInterval, follow.unreachableTimeout).follow(runId,
                    follow.followTimeout);
            if (run.halted()) {
                HaltNotice.print(run, out);
                return ExitCodes.RUN_HALTED;
            }
            RunSummary.print(run, out);
            return ExitCodes.ofOutcome(run.outcome());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one run: state, counts, targets.", footer = {
            "", "Exit codes: 0 shown, 1 report-svc not reachable, 6 unknown run."})
    public static class ShowRun implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        CommonOptions common;

        @Parameters(paramLabel = "<runId>", description = "The run to show.")
        String runId;

        @Option(names = "--json", description = "Print report-svc's JSON as it is.")
        boolean json;

        @Option(names = "--target", paramLabel = "<targetId>", description = "Show this target's story instead: "
                + "every event report-svc has seen for it and its run, oldest first.")
        String targetId;

        @Override
        public Integer call() {
            Verbosity.apply(common.verbose);
            PrintWriter out = spec.commandLine().getOut();
            ReportApi api = new ReportApi(common.reportUrl, common.token());
            if (targetId != null) {
                return showTarget(api, out);
            }
            String body = api.runJson(runId)
                    .orElseThrow(() -> new RunNotFoundException(
                            "report-svc at " + api.baseUrl() + " does not know run " + runId));
            if (json) {
                out.println(body);
                out.flush();
                return ExitCodes.OK;
            }
            RunView run = api.parseRun(body);
            out.println("run        " + run.runId());
            out.println("state      " + run.state() + (run.outcome() == null ? "" : " (" + run.outcome() + ")")
                    + (run.haltCause() == null ? "" : " (" + run.haltCause() + ")"));
            if (run.patch() != null) {
                out.println("patch      " + run.patch().id() + " " + run.patch().version()
                        + (Boolean.TRUE.equals(run.dryRun()) ? " (dry run)" : ""));
            }
            out.println("requested  " + dash(run.requestedAt()) + " by " + dash(run.requestedBy()));
            if (run.completedAt() != null) {
                out.println("completed  " + run.completedAt());
            }
            if (run.reason() != null) {
                out.println("reason     " + run.reason());
            }
            out.println("progress   " + ProgressLine.of(run));
            if (run.reportLocation() != null) {
                out.println("reports    " + run.reportLocation());
            }
            if (!run.targets().isEmpty()) {
                out.println();
                String format = "%-24s  %-16s  %-10s  %s%n";
                out.printf(format, "TARGET", "STATUS", "PHASE", "REASON");
                for (TargetView target : run.targets()) {
                    out.printf(format, target.targetId(), dash(target.status()), dash(target.phase()),
                            target.failed() ? target.failureReason() : dash(target.reason()));
                }
            }
            if (run.completed()) {
                out.println();
                RunSummary.print(run, out);
            }
            if (run.halted()) {
                out.println();
                out.println("resume it:  patchctl runs resume " + run.runId());
                out.println("cancel it:  patchctl runs cancel " + run.runId());
            }
            out.flush();
            return ExitCodes.OK;
        }

        private int showTarget(ReportApi api, PrintWriter out) {
            String body = api.historyJson(runId, targetId)
                    .orElseThrow(() -> new RunNotFoundException("report-svc at " + api.baseUrl()
                            + " does not know target " + targetId + " of run " + runId));
            if (json) {
                out.println(body);
            } else {
                api.parseStory(body).print(out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    static String dash(String value) {
        return value == null ? "-" : value;
    }
}
