package dev.patchflow.patchctl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.patchflow.patchctl.report.ReportApiUnreachableException;
import dev.patchflow.patchctl.report.RunNotFoundException;
import dev.patchflow.patchctl.request.UsageException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code patchctl runs approve|halt|resume|cancel <runId>}: run control on patch-runner-svc, which owns run
 * scheduling ({@code POST /api/runs/{id}/<action>[?reason=…]}). Prints the runner's answer.
 */
public abstract class RunControlCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "<runId>", description = "The run.")
    String runId;

    @Option(names = "--runner-url", paramLabel = "<url>", defaultValue = "${env:PATCHFLOW_RUNNER_URL:-http://127.0.0.1:8083}", description = "Base URL of patch-runner-svc (env PATCHFLOW_RUNNER_URL; default: ${DEFAULT-VALUE}).")
    String runnerUrl;

    // --token / --token-file (and --report-url, --verbose, unused here): the runner's control API needs
    // an operator token, or an approver token for approve.
    @Mixin
    CommonOptions common;

    @Option(names = "--reason", paramLabel = "<text>", description = "Why (recorded in the run's control history).")
    String reason;

    abstract String action();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        String base = runnerUrl.endsWith("/") ? runnerUrl.substring(0, runnerUrl.length() - 1) : runnerUrl;
        String url = base + "/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8) + "/" + action()
                + (reason == null || reason.isBlank()
                        ? ""
                        : "?reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.noBody());
            String token = common.token();
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ReportApiUnreachableException(base, "patch-runner-svc not reachable at " + base + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportApiUnreachableException(base, "interrupted while calling " + base, e);
        }
        return switch (response.statusCode()) {
            case 200, 202 -> {
                out.println(action() + " recorded for run " + runId);
                out.println(response.body());
                out.flush();
                yield ExitCodes.OK;
            }
            case 404 -> throw new RunNotFoundException("patch-runner-svc at " + base + ": " + response.body());
            case 401, 403 -> throw new UsageException("patch-runner-svc refused " + action() + " (HTTP "
                    + response.statusCode() + "): " + (action().equals("approve") ? "the approver" : "the operator")
                    + " role is required");
            default -> throw new UsageException("patch-runner-svc refused " + action() + " of run " + runId
                    + " (HTTP " + response.statusCode() + "): " + response.body());
        };
    }

    @Command(name = "approve", mixinStandardHelpOptions = true, description = "Open a run's manual canary gate (role approver).", footer = {
            "", "Exit codes: 0 recorded, 1 runner not reachable, 2 refused (e.g. no waiting gate), 6 unknown run."})
    public static class Approve extends RunControlCommand {

        @Override
        String action() {
            return "approve";
        }
    }

    @Command(name = "halt", mixinStandardHelpOptions = true, description = "Stop starting targets of a run; targets in flight finish (role operator).")
    public static class Halt extends RunControlCommand {

        @Override
        String action() {
            return "halt";
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a halted run; failures so far are accepted (role operator).")
    public static class Resume extends RunControlCommand {

        @Override
        String action() {
            return "resume";
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Finish in-flight targets, end the rest CANCELLED (role operator).")
    public static class Cancel extends RunControlCommand {

        @Override
        String action() {
            return "cancel";
        }
    }
}
