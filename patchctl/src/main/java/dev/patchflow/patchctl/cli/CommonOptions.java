package dev.patchflow.patchctl.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
public class CommonOptions {

    @Option(names = "--verbose", description = "Log what patchctl does (to stderr), Kafka client warnings included.")
    boolean verbose;

    @Option(names = "--report-url", paramLabel = "<url>", defaultValue = "${env:PATCHFLOW_REPORT_URL:-http://127.0.0.1:8085}", description = "Base URL of report-svc (env PATCHFLOW_REPORT_URL; default: ${DEFAULT-VALUE}).")
    String reportUrl;
}
