package dev.patchflow.patchctl.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import dev.patchflow.patchctl.kafka.RequestPublisher;
import dev.patchflow.patchctl.report.HaltNotice;
import dev.patchflow.patchctl.report.ReportApi;
import dev.patchflow.patchctl.report.ReportDownloader;
import dev.patchflow.patchctl.report.RunFollower;
import dev.patchflow.patchctl.report.RunNotFoundException;
import dev.patchflow.patchctl.report.RunSummary;
import dev.patchflow.patchctl.report.RunView;
import dev.patchflow.patchctl.request.RequestBuilder;
import dev.patchflow.patchctl.request.RequestInput;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "request", sortOptions = false, mixinStandardHelpOptions = true, description = {
        "Publish a PatchRequested to " + Topics.REQUESTS + " and print its run id.",
        "With --follow, wait for the run to complete, download its reports and print their folder last."}, footer = {"",
                "Exit codes: 0 published (with --follow: SUCCEEDED), 1 Kafka or report-svc not reachable, "
                        + "2 usage, 3 FAILED, 4 REJECTED, 5 follow timeout, 9 HALTED (resume or cancel it)."})
public class RequestCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(RequestCommand.class.getName());

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    // --- targets
    @Option(names = "--inventory", paramLabel = "<file|dir>", description = "Inventory file (static provider) or folder of installs (directory provider). Without it, --landing-zones/--environment select EC2 instances (provider aws-ec2).")
    Path inventory;

    @Option(names = "--provider", paramLabel = "static|directory", description = "Inventory provider (default: directory for a folder, else static).")
    String provider;

    @Option(names = "--environment", paramLabel = "<env>", description = "Only targets of this environment.")
    String environment;

    @Option(names = "--landing-zones", split = ",", paramLabel = "<lz>", description = "Only targets in these landing zones (comma-separated).")
    List<String> landingZones = new ArrayList<>();

    @Option(names = "--label", paramLabel = "<key=value>", description = "Only targets carrying this label (repeatable; all must match).")
    Map<String, String> labels = new LinkedHashMap<>();

    // --- patch
    @Option(names = "--patch-id", paramLabel = "<id>", description = "Patch identifier (ledger key with the version); AWS runs: AWS-RunPatchBaseline.")
    String patchId;

    @Option(names = "--patch-version", paramLabel = "<version>", description = "Patch version; AWS runs: the run id.")
    String patchVersion;

    @Option(names = "--command", paramLabel = "<cmd and args>", description = "Patch command as one string, split into argv honouring '...' and \"...\" quotes (no shell).")
    String command;

    @Option(names = "--arg", paramLabel = "<arg>", description = "Patch command as argv, one --arg per element (instead of --command).")
    List<String> args = new ArrayList<>();

    // No picocli default: --package-manifest must be able to tell "--executor process" from nothing.
    @Option(names = "--executor", paramLabel = "<name>", description = "Executor (default: process; package with --package-manifest).")
    String executor;

    @Option(names = "--param", paramLabel = "<key=value>", description = "Executor parameter (repeatable).")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = "--package-manifest", paramLabel = "<uri>", description = "Signed-package patch: the release manifest's s3:// (as printed by 'package publish') or http(s):// URI. Same as --executor package --param manifest=<uri>.")
    String packageManifest;

    @Option(names = "--force-full", description = "Package executor: install the full package even where the patch package applies (--param forceFull=true).")
    boolean forceFull;

    @Option(names = "--allow-unsigned", description = "Package executor: accept unsigned packages, local demos only (--param allowUnsigned=true).")
    boolean allowUnsigned;

    @Option(names = "--timeout-seconds", paramLabel = "<n>", description = "Per-target patch timeout.")
    Integer timeoutSeconds;

    // --- run options
    @Option(names = "--dry-run", description = "Every phase reports what it would do and changes nothing.")
    boolean dryRun;

    @Option(names = "--scanner-only", description = "Scan only: backup, patch and validation phases off.")
    boolean scannerOnly;

    @Option(names = "--backup", negatable = true, description = "Turn the backup phase on/off (overrides --config).")
    Boolean backup;

    @Option(names = "--patch", negatable = true, description = "Turn the patch phase on/off (overrides --config).")
    Boolean patch;

    @Option(names = "--validation", negatable = true, description = "Turn the validation phase on/off (overrides --config).")
    Boolean validation;

    @Option(names = "--max-concurrency", paramLabel = "N|N%", description = "Targets patched at once: a number or a percentage of the scanned targets.")
    String maxConcurrency;

    @Option(names = "--strategy", paramLabel = "rolling|all_at_once|batches|canary", description = "Rollout strategy (all_at_once only in dev-like environments; overrides rollout.strategy in --config).")
    String strategy;

    @Option(names = "--batches", split = ",", paramLabel = "1,5,20%", description = "Batch sizes like Ansible serial, numbers or percentages, the last repeating (batches; for canary the first is the canary).")
    List<String> batches;

    @Option(names = "--canary-gate", paramLabel = "manual|timer", description = "The gate after the canary batch: manual approval (patchctl runs approve) or a timer.")
    String canaryGate;

    @Option(names = "--bake-seconds", paramLabel = "<n>", description = "Timer gate: how long a verified canary bakes.")
    Integer bakeSeconds;

    @Option(names = "--max-errors", paramLabel = "N|N%", description = "Error budget (SSM MaxErrors): no new target starts once failures exceed it; 0 stops after the first failure.")
    String maxErrors;

    @Option(names = "--not-after", paramLabel = "<time>", description = "End of the maintenance window (ISO-8601, e.g. 2026-11-20T23:00:00Z): no target starts after it.")
    String notAfter;

    @Option(names = "--check", paramLabel = "version|kubernetes", description = "Post-patch check without argument: 'version' (the install's VERSION file), 'kubernetes' (the workload Available, every replica ready) (repeatable).")
    List<String> checkTypes = new ArrayList<>();

    @Option(names = "--check-command", paramLabel = "<cmd>", description = "Post-patch command check, split like --command (repeatable).")
    List<String> checkCommands = new ArrayList<>();

    @Option(names = "--check-http", paramLabel = "<url>", description = "Post-patch HTTP check expecting 200; $${address} and $${id} are replaced per target (repeatable).")
    List<String> checkHttp = new ArrayList<>();

    @Option(names = "--config", paramLabel = "<yaml>", description = "Workflow YAML (phases, rollout.max_concurrency, checks); flags override it.")
    Path config;

    @Option(names = "--run-id", paramLabel = "<id>", description = "Run id (default: run-<yyyyMMdd-HHmmss>-<6 random>).")
    String runId;

    @Option(names = "--requested-by", paramLabel = "<who>", description = "Who asks (default: $USER).")
    String requestedBy;

    // --- where
    @Option(names = "--bootstrap-servers", paramLabel = "<host:port>", defaultValue = "${sys:kafka.bootstrap.servers:-${env:PATCHFLOW_KAFKA_BOOTSTRAP:-127.0.0.1:19092}}", description = "Kafka bootstrap servers (default: -Dkafka.bootstrap.servers, else env PATCHFLOW_KAFKA_BOOTSTRAP, else 127.0.0.1:19092; now: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--kafka-timeout", paramLabel = "<duration>", defaultValue = "10s", converter = DurationConverter.class, description = "Give up on Kafka after this long (default: ${DEFAULT-VALUE}).")
    Duration kafkaTimeout;

    // --- follow
    @Option(names = "--follow", description = "Wait for the run to complete, then download its reports.")
    boolean follow;

    @Mixin
    FollowOptions following;

    @Option(names = "--output-dir", paramLabel = "<dir>", defaultValue = "reports", description = "Reports go to <dir>/<runId>/ (default: ./${DEFAULT-VALUE}).")
    Path outputDir;

    Clock clock = Clock.systemDefaultZone();

    /** The flags as plain data, for {@link RequestBuilder}. */
    public RequestInput input() {
        return new RequestInput(inventory, provider, environment, landingZones, labels, patchId, patchVersion, command,
                args, executor, timeoutSeconds, parameters, dryRun, scannerOnly, backup, patch, validation,
                maxConcurrency, checkTypes, checkCommands, checkHttp, config, runId, requestedBy, packageManifest,
                forceFull, allowUnsigned,
                new RequestInput.RolloutInput(strategy, batches, canaryGate, bakeSeconds, maxErrors, notAfter));
    }

    /** The request these flags describe, validated against the contract. */
    public PatchRequested request() {
        return new RequestBuilder(clock).build(input());
    }

    @Override
    public Integer call() {
        Verbosity.apply(common.verbose);
        PrintWriter out = spec.commandLine().getOut();
        PatchRequested request = request();
        LOG.info(() -> "publishing to " + Topics.REQUESTS + " at " + bootstrapServers + ": " + json(request));
        try (RequestPublisher publisher = new RequestPublisher(bootstrapServers, kafkaTimeout)) {
            publisher.publish(request);
        }
        out.println(request.runId());
        out.flush();
        if (!follow) {
            return ExitCodes.OK;
        }
        return follow(request.runId(), out);
    }

    private int follow(String runId, PrintWriter out) {
        ReportApi api = new ReportApi(common.reportUrl, common.token());
        RunView run = new RunFollower(api, out, clock, following.pollInterval, following.unreachableTimeout).follow(
                runId,
                following.followTimeout);
        if (run.halted()) {
            // No reports yet: the run is not over. Say why it stopped and how to move it on.
            HaltNotice.print(run, out);
            return ExitCodes.RUN_HALTED;
        }
        Path folder = null;
        try {
            folder = new ReportDownloader(api, clock, following.pollInterval).downloadAll(runId, outputDir,
                    following.unreachableTimeout);
        } catch (RunNotFoundException e) {
            if (!"REJECTED".equals(run.outcome())) {
                throw e;
            }
            // A rejected run may have nothing to report beyond its reason: then there is no folder to print.
            spec.commandLine().getErr().println("patchctl: " + e.getMessage());
        }
        int code = summarize(run, out);
        if (folder != null) {
            out.println(folder);
        }
        out.flush();
        return code;
    }

    /** Prints what a followed run came to; returns the exit code ({@code audit} adds its drift). */
    protected int summarize(RunView run, PrintWriter out) {
        RunSummary.print(run, out);
        return ExitCodes.ofOutcome(run.outcome());
    }

    private static String json(PatchRequested request) {
        try {
            return EventJson.mapper().writeValueAsString(request);
        } catch (JsonProcessingException e) {
            return request.toString();
        }
    }
}
