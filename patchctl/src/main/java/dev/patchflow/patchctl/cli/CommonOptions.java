package dev.patchflow.patchctl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.patchflow.patchctl.request.UsageException;

import picocli.CommandLine.Option;

/** Options every command takes. */
public class CommonOptions {

    @Option(names = "--verbose", description = "Log what patchctl does (to stderr), Kafka client warnings included.")
    boolean verbose;

    @Option(names = "--report-url", paramLabel = "<url>", defaultValue = "${env:PATCHFLOW_REPORT_URL:-http://127.0.0.1:8085}", description = "Base URL of report-svc (env PATCHFLOW_REPORT_URL; default: ${DEFAULT-VALUE}).")
    String reportUrl;

    // The token is never echoed: no ${DEFAULT-VALUE} in the description, and nothing logs it (not even --verbose).
    @Option(names = "--token", paramLabel = "<jwt>", defaultValue = "${env:PATCHFLOW_TOKEN}", description = "Bearer token for the report and runner APIs (env PATCHFLOW_TOKEN). The local run writes one per role to .patchflow/auth/<role>.token.")
    String token;

    @Option(names = "--token-file", paramLabel = "<file>", description = "Read the bearer token from this file instead (e.g. .patchflow/auth/viewer.token).")
    Path tokenFile;

    /** The bearer token to send, or null to call anonymously. */
    String token() {
        if (tokenFile != null) {
            try {
                String read = Files.readString(tokenFile).strip();
                if (read.isEmpty()) {
                    throw new UsageException("--token-file " + tokenFile + " is empty");
                }
                return read;
            } catch (IOException e) {
                throw new UsageException("cannot read --token-file " + tokenFile + ": " + e.getMessage());
            }
        }
        return token == null || token.isBlank() ? null : token.strip();
    }
}
