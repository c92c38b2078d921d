package dev.patchflow.launcher;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import dev.patchflow.launcher.ReportScale.Timing;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Reports at scale: a run of N targets (default 100,000) written straight into the view store, served by the
 * packaged report-svc at {@code -Xmx256m}. Prints, for each of the four report formats and the run JSON, the time
 * to the first byte, the total time and the size (each the faster of two requests: the first one served also pays for
 * compiling the code; completed: the files copied from the archive; running: rendered from the views); report-svc
 * runs as deployed ({@link ReportScale#deployedJvmOptions}); the dashboard's run page (counting a running run, first,
 * middle and filtered pages of a completed one); the completion (four reports streamed to S3); report-svc's peak
 * RSS. The reference, measured in the same run: the same views read from the same MongoDB-wire server, in the
 * same order and batches, and thrown away. Asserts nothing.
 */
@Command(name = "benchmark-reports", description = "Measures the four report formats and the dashboard of a large "
        + "run served by report-svc at -Xmx" + ReportScale.MAX_HEAP + ".")
public final class ReportBenchmark implements Callable<Integer> {

    private static final int MAX_WARM_UP_ROUNDS = 6;
    private static final double SETTLED_JIT_SHARE = 0.05;

    @Option(names = "--targets", defaultValue = "100000", description = "Targets in the run (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--data-dir", description = "Scratch folder (default: a new temporary folder).")
    Path dataDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (targets < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--targets must be at least 1 (the run whose reports are measured), not " + targets);
        }
        Path data = dataDir != null ? dataDir.toAbsolutePath() : Files.createTempDirectory("patchflow-report-bench");
        try (ReportScale scale = ReportScale.start(LauncherMain.home(), data, targets, LauncherMain::say)) {
            measure(scale, System.out);
            return 0;
        }
    }

    /** Everything the benchmark prints, on a started {@link ReportScale}; callable from another benchmark. */
    public static void measure(ReportScale scale, PrintStream out) throws Exception {
        String run = "/runs/" + scale.runId();
        String api = "/api/runs/" + scale.runId();
        int n = scale.targets();
        LauncherMain.say("warming up report-svc (one small page of each kind)");
        scale.get(run + "?size=1", false);
        scale.get(api + "?limit=1", false);

        LauncherMain.say("run in progress: counted from its " + n + " views on every page view");
        Timing reference = scale.streamViewsToNowhere();
        Timing runningPage = scale.get(run, false);
        Timing runningSummary = scale.get(api + "?limit=0", false);
        warmUpRendering(scale, api);
        LauncherMain.say("run in progress: its four reports rendered from the views (nothing archived yet)");
        Timing runningCsv = faster(scale, api + "/report.csv");
        Timing runningJson = faster(scale, api + "/report.json");
        Timing runningHtml = faster(scale, api + "/report.html");
        Timing runningXml = faster(scale, api + "/report.xml");

        LauncherMain.say("completing the run: ScanCompleted → report-svc counts it and streams 4 reports to S3");
        double cpuBefore = scale.reportCpuSeconds();
        double compilerCpuBefore = scale.reportCompilerCpuSeconds();
        double completion = scale.complete(Duration.ofMinutes(15));
        double completionCpu = scale.reportCpuSeconds() - cpuBefore;
        double completionCompilerCpu = scale.reportCompilerCpuSeconds() - compilerCpuBefore;

        LauncherMain.say("completed run: the four formats (copied from the archive), the run JSON and dashboard pages");
        // each twice, the faster counts: the first one served also pays for warming the code up
        Timing csv = faster(scale, api + "/report.csv");
        Timing json = faster(scale, api + "/report.json");
        Timing html = faster(scale, api + "/report.html");
        Timing xml = faster(scale, api + "/report.xml");
        Timing all = faster(scale, api);
        Timing firstPage = scale.get(run, false);
        Timing middlePage = scale.get(run + "?after=" + ReportScale.targetId(n / 2), false);
        Timing failedPage = scale.get(run + "?status=FAILED", false);
        Timing textPage = scale.get(run + "?q=listener", false);
        Timing referenceAfter = scale.streamViewsToNowhere();
        double ref = Math.min(reference.totalSeconds(), referenceAfter.totalSeconds());

        out.printf("%nREPORTS AT SCALE (targets=%d, report-svc -Xmx%s, same MongoDB-wire server, same run)%n", n,
                scale.maxHeap());
        out.printf("  report-svc JVM options: %s; each request below made twice, the faster counts (the running run's "
                + "reports after untimed rounds until the JIT compilers settled)%n",
                String.join(" ", scale.reportService().jvmOptions()));
        out.printf("  reference: %d views read from MongoDB and dropped: first %.2f s, total %.2f s, stack CPU %.2f s"
                + " (again at the end: %.2f s; the smaller total is the reference)%n", reference.bytes(),
                reference.firstByteSeconds(), reference.totalSeconds(), reference.stackCpuSeconds(),
                referenceAfter.totalSeconds());
        out.printf("  %-40s %9s %9s %10s %7s %8s %8s %9s  %s%n", "served", "1st byte", "total", "size", "MB/s",
                "svc CPU", "of it JIT", "stack CPU", "total/reference");
        row(out, "report.csv, completed (archive)", csv, ref);
        row(out, "report.json, completed (archive)", json, ref);
        row(out, "report.html, completed (archive)", html, ref);
        row(out, "report.xml, completed (archive)", xml, ref);
        row(out, "GET /api/runs/{id} (every target)", all, ref);
        row(out, "report.csv, running (rendered)", runningCsv, ref);
        row(out, "report.json, running (rendered)", runningJson, ref);
        row(out, "report.html, running (rendered)", runningHtml, ref);
        row(out, "report.xml, running (rendered)", runningXml, ref);
        row(out, "dashboard run page, running (count+50)", runningPage, ref);
        row(out, "GET /api/runs/{id}?limit=0, running", runningSummary, ref);
        row(out, "dashboard run page 1, completed", firstPage, ref);
        row(out, "dashboard page after " + ReportScale.targetId(n / 2), middlePage, ref);
        row(out, "dashboard status=FAILED page 1", failedPage, ref);
        row(out, "dashboard q=listener page 1", textPage, ref);
        out.printf("  completion (count, 4 reports streamed to S3, RunCompleted): %.2f s = %.2f× reference, svc CPU "
                + "%.2f s (of it JIT %.2f s)%n", completion, completion / ref, completionCpu, completionCompilerCpu);
        out.printf("  report-svc peak RSS %.0f MB (heap limit %s)%n", scale.reportPeakRssMegabytes(),
                scale.maxHeap());
    }

    /**
     * A deployed report-svc is a long-running JVM whose rendering code is compiled; this one is minutes old. The
     * "of it JIT" column showed its compiler threads still busy for about half of report-svc's CPU during the
     * second of two requests of each report, and after one untimed round still at 0.2–0.8 s of a request: so the
     * running run's four reports are served, untimed, in rounds until the compilers of report-svc and of the
     * MongoDB-wire server's JVM spend less than {@value #SETTLED_JIT_SHARE} of a round's time (at most
     * {@value #MAX_WARM_UP_ROUNDS} rounds).
     */
    private static void warmUpRendering(ReportScale scale, String api) throws Exception {
        LauncherMain.say("warming up report-svc's rendering: the running run's four reports served, untimed, until "
                + "the JIT compilers settle");
        for (int round = 1; round <= MAX_WARM_UP_ROUNDS; round++) {
            double jitBefore = scale.compilerCpuSeconds();
            long started = System.nanoTime();
            for (String format : List.of("csv", "json", "html", "xml")) {
                scale.get(api + "/report." + format, false);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double jitShare = (scale.compilerCpuSeconds() - jitBefore) / seconds;
            LauncherMain.say(String.format("warm-up round %d: %.2f s, JIT compilers busy %.0f%% of it", round,
                    seconds, jitShare * 100));
            if (jitShare < SETTLED_JIT_SHARE) {
                return;
            }
        }
    }

    private static Timing faster(ReportScale scale, String path) throws Exception {
        Timing first = scale.get(path, false);
        Timing second = scale.get(path, false);
        return second.totalSeconds() < first.totalSeconds() ? second : first;
    }

    private static void row(PrintStream out, String what, Timing t, double reference) {
        out.printf("  %-40s %7.2f s %7.2f s %7.1f MB %7.1f %6.2f s %7.2f s %7.2f s  %6.2f×%s%n", what,
                t.firstByteSeconds(), t.totalSeconds(), t.megabytes(), t.megabytes() / Math.max(t.totalSeconds(), 1e-9),
                t.serviceCpuSeconds(), t.serviceCompilerCpuSeconds(), t.stackCpuSeconds(), t.totalSeconds() / reference,
                t.status() == 200 ? "" : "   HTTP " + t.status());
    }
}
