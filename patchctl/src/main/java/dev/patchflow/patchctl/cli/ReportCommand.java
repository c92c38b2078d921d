package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.patchflow.patchctl.report.ReportApi;
import dev.patchflow.patchctl.report.ReportDownloader;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true, description = {
        "Download a run's report.csv, report.json, report.html and report.xml into <output-dir>/<runId>/.",
        "The folder's absolute path is the last line printed."}, footer = {"",
                "Exit codes: 0 downloaded, 1 report-svc not reachable, 6 unknown run or no reports yet."})
public class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(paramLabel = "<runId>", description = "The run whose reports to download.")
    String runId;

    @Option(names = "--output-dir", paramLabel = "<dir>", defaultValue = "reports", description = "Reports go to <dir>/<runId>/ (default: ./${DEFAULT-VALUE}).")
    Path outputDir;

    @Override
    public Integer call() {
        Verbosity.apply(common.verbose);
        PrintWriter out = spec.commandLine().getOut();
        ReportApi api = new ReportApi(common.reportUrl, common.token());
        // No patience here: the operator asks for an existing report, a 404 is the answer.
        Path folder = new ReportDownloader(api, Clock.systemUTC(), Duration.ofMillis(100)).downloadAll(runId,
                outputDir, Duration.ZERO);
        for (String file : ReportApi.REPORT_FILES) {
            out.println("  " + file);
        }
        out.println(folder);
        out.flush();
        return ExitCodes.OK;
    }
}
