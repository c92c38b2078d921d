package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;
import java.util.List;

import dev.patchflow.patchctl.report.RunView;
import dev.patchflow.schemas.events.PatchRequested;

import picocli.CommandLine.Command;

/**
 * {@code patchctl audit}: the drift audit (the seed's daily compliance-audit in check mode). The same flags as
 * {@code request}, always a dry run that is followed to the end: every executor reports, per target, the version
 * it found against the version wanted (the {@code db-cluster} executor asks each node's engine; others compare the
 * scanned version) and changes nothing. Prints the drifted targets; exit code 8 when there is drift, so that a
 * scheduled audit (the {@code k8s/} CronJob) fails visibly.
 */
@Command(name = "audit", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Drift audit: publish the request as a dry run, follow it, and list the targets whose version is not the one "
                + "wanted.",
        "Same flags as 'request' (--dry-run and --follow are implied)."}, footer = {"",
                "Exit codes: 0 no drift, 8 drift found, 1 Kafka or report-svc not reachable, 2 usage, 3 the audit "
                        + "run FAILED, 4 REJECTED, 5 follow timeout, 9 HALTED."})
public class AuditCommand extends RequestCommand {

    @Override
    public PatchRequested request() {
        dryRun = true;
        follow = true;
        return super.request();
    }

    @Override
    protected int summarize(RunView run, PrintWriter out) {
        int code = super.summarize(run, out);
        return print(run, out, code);
    }

    /** The drift section of the audit's output; the exit code: 8 with drift, else the run's. */
    static int print(RunView run, PrintWriter out, int runCode) {
        List<RunView.Drift> drift = run.drift();
        if (drift.isEmpty()) {
            out.println("drift: none (" + run.targets().size() + " targets at " + version(run) + ")");
            return runCode;
        }
        out.println("drift: " + drift.size() + " of " + run.targets().size() + " targets not at " + version(run));
        for (RunView.Drift d : drift) {
            out.println("  " + d.targetId() + "  found " + (d.versionFound() == null ? "unknown" : d.versionFound())
                    + ", wanted " + d.versionWanted());
        }
        return runCode == ExitCodes.OK ? ExitCodes.DRIFT : runCode;
    }

    private static String version(RunView run) {
        return run.patch() == null ? "the wanted version" : run.patch().version();
    }
}
