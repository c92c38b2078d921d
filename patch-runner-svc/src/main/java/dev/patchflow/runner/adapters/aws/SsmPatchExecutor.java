package dev.patchflow.runner.adapters.aws;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsErrors;
import dev.patchflow.aws.LandingZone;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.runner.config.RunnerConfig;
import dev.patchflow.runner.domain.AdoptableExecutor;
import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.StartNotRecordedException;
import dev.patchflow.runner.domain.rollout.ErrorBudget;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Target;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.waiters.Waiter;
import software.amazon.awssdk.core.waiters.WaiterAcceptor;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Command;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;
import software.amazon.awssdk.services.ssm.model.SendCommandRequest;

/**
 * The {@code ssm} executor: patches an EC2 instance with SSM Run Command {@code AWS-RunPatchBaseline}
 * ({@code Operation=Install}, {@code Scan} in a dry run; {@code RebootOption} from {@code patch.parameters} or the
 * configuration).
 * <p>
 * Before patching, an instance scanned {@code stopped} is started (StartInstances, the SDK's {@code instanceRunning}
 * waiter, then SSM {@code Online}) within {@code server_start.wait_timeout}; if the patch then fails and the run
 * restores power states, it is stopped again at once (after a success the runner does it when its validation is in).
 * <p>
 * Crash safety: the intent is recorded before SendCommand, the command id right after, both through
 * {@link ExecutionRequest#onChildStarted()} (the runner's adoption record); a restarted runner gets them back in
 * {@link #adopt} and waits for that command instead of sending another. A crash between sending and recording the id
 * is closed by ListCommands on the instance, matching the command's comment (run and target). MongoDB down at the
 * intent: nothing is sent, an instance started for it is stopped again (when the run restores power states), and
 * the target is executed again later ({@link StartNotRecordedException}); down at the
 * command id: the command is awaited all the same (it runs, and the intent already covers a crash).
 * <p>
 * Every SSM status is mapped: Pending, InProgress, Delayed → still waiting (the SDK's generic waiter with acceptors;
 * SSM's own {@code CommandExecuted} waiter turns failures into exceptions and loses the status); Success → applied
 * (dry run: scanned); Failed, ExecutionTimedOut → failed, counted against the error budget; DeliveryTimedOut,
 * Undeliverable → failed, not counted (SSM's MaxErrors rule); Terminated, Cancelled/Cancelling, InvalidPlatform,
 * AccessDenied → failed, not counted.
 */
@ApplicationScoped
public class SsmPatchExecutor implements AdoptableExecutor {

    public static final String NAME = "ssm";
    /** {@code patch.parameters} key: SSM's RebootOption ({@code RebootIfNeeded} or {@code NoReboot}). */
    public static final String PARAM_REBOOT_OPTION = "rebootOption";
    static final Set<String> REBOOT_OPTIONS = Set.of("RebootIfNeeded", "NoReboot");

    private static final Logger LOG = Logger.getLogger(SsmPatchExecutor.class);

    private final LandingZoneSource zones;
    private final AwsClients clients;
    private final RunnerConfig.Ssm config;

    @Inject
    public SsmPatchExecutor(LandingZoneSource zones, AwsClients clients, RunnerConfig config) {
        this(zones, clients, config.ssm());
    }

    public SsmPatchExecutor(LandingZoneSource zones, AwsClients clients, RunnerConfig.Ssm config) {
        this.zones = zones;
        this.clients = clients;
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        long started = System.nanoTime();
        Target target = request.target();
        Map<String, String> details = new TreeMap<>();
        if (target.aws() == null || target.aws().instanceId() == null || target.aws().region() == null) {
            return ExecutionResult.failure("the ssm executor patches aws-ec2 targets; " + target.id()
                    + " has no instance id or region", null, elapsed(started), details);
        }
        String instanceId = target.aws().instanceId();
        String rebootOption = request.patch().parameters().getOrDefault(PARAM_REBOOT_OPTION, config.rebootOption());
        if (!REBOOT_OPTIONS.contains(rebootOption)) {
            return ExecutionResult.failure("patch.parameters." + PARAM_REBOOT_OPTION + " '" + rebootOption
                    + "' is not RebootIfNeeded or NoReboot", null, elapsed(started), details);
        }
        AwsOptions aws = request.run().options().awsOrDefaults();
        boolean stopped = AwsOptions.STOPPED.equals(target.state());
        details.put("initialState", String.valueOf(target.state()));
        LandingZone zone;
        try {
            zone = zones.zone(target.landingZone());
        } catch (RuntimeException e) {
            return ExecutionResult.failure(e.getMessage(), null, elapsed(started), details);
        }
        Ec2Client ec2 = clients.ec2(zone, target.aws().region(), request.run().runId());
        SsmClient ssm = clients.ssm(zone, target.aws().region(), request.run().runId());
        if (stopped && request.dryRun()) {
            // A dry run changes nothing: a stopped instance is not started, so SSM cannot scan it either.
            details.put("wouldStart", "true");
            details.put("powerState", "stopped");
            return ExecutionResult.success(PatchStatus.DRY_RUN, elapsed(started), details);
        }
        boolean startedHere = false;
        if (stopped) {
            if (!aws.startsStopped()) {
                details.put("powerState", "stopped");
                return ExecutionResult.failure("instance " + instanceId + " is stopped and server_start is off: SSM"
                        + " cannot patch it", null, elapsed(started), withBudget(details, false));
            }
            Duration wait = aws.startWaitTimeoutSeconds() != null
                    ? Duration.ofSeconds(aws.startWaitTimeoutSeconds())
                    : config.startWaitTimeout();
            try {
                InstancePower.start(ec2, instanceId, wait, config.pollInterval());
                startedHere = true;
                InstancePower.awaitSsmOnline(ssm, instanceId, wait, config.pollInterval());
                details.put("startedForPatching", "true");
            } catch (SdkException e) {
                details.put("powerState", startedHere ? "running" : "stopped");
                ExecutionResult failed = ExecutionResult.failure("could not start " + instanceId
                        + " and see it SSM Online within " + wait.toSeconds() + " s (server_start.wait_timeout): "
                        + AwsErrors.describe(e), null, elapsed(started), withBudget(details, false));
                return startedHere ? restoreAfterFailure(request, ec2, instanceId, failed, details, started) : failed;
            }
        }
        String comment = comment(request);
        Instant sentAt = Instant.now();
        // Intent first: a crash between SendCommand and recording its id is then recognised on restart.
        try {
            request.onChildStarted().accept(ChildProcess.remote("", sentAt, request.output().toString()));
        } catch (RuntimeException e) {
            // Nothing was sent, and without the intent on record nothing may be: the target is executed again later
            // (MongoDB's failure, not the patch's). An instance started here is stopped again first when the run
            // restores power states: nothing records that it was started, and a run cancelled or halted before
            // that attempt would leave it running for good. The attempt starts it again.
            if (startedHere) {
                stopAgainQuietly(request, ec2, instanceId);
            }
            throw new StartNotRecordedException("cannot record the intent to send the SSM command: " + e.getMessage(),
                    e);
        }
        String commandId;
        try {
            commandId = send(ssm, request, instanceId, rebootOption, comment);
        } catch (SdkException e) {
            ExecutionResult failed = ExecutionResult.failure("SendCommand " + config.documentName() + " to "
                    + instanceId + " failed: " + AwsErrors.describe(e), null, elapsed(started), details);
            return startedHere ? restoreAfterFailure(request, ec2, instanceId, failed, details, started) : failed;
        }
        recordSent(request, commandId, sentAt);
        details.put("commandId", commandId);
        details.put("rebootOption", rebootOption);
        details.put("operation", request.dryRun() ? "Scan" : "Install");
        if (startedHere) {
            details.put("powerState", "running");
        }
        ExecutionResult result = await(ssm, request, instanceId, commandId, details, started);
        if (!result.succeeded() && startedHere) {
            return restoreAfterFailure(request, ec2, instanceId, result, details, started);
        }
        if (result.succeeded() && startedHere && AwsOptions.restoresPowerOf(request.run(), target)) {
            // Stopped again by the runner once the validation is in (PowerStateRestored).
            Map<String, String> more = new TreeMap<>(result.details());
            more.put("powerRestore", "after validation");
            return new ExecutionResult(true, result.exitCode(), null, result.duration(), more, result.status());
        }
        return result;
    }

    @Override
    public Optional<ExecutionResult> adopt(ExecutionRequest request, ChildProcess child) {
        long started = System.nanoTime();
        Target target = request.target();
        String instanceId = target.aws().instanceId();
        SsmClient ssm = clients.ssm(zones.zone(target.landingZone()), target.aws().region(), request.run().runId());
        String commandId = child.remoteCommand();
        if (commandId == null || commandId.isEmpty()) {
            // Crashed between recording the intent and the command id: SSM knows whether it was sent.
            commandId = ssm.listCommands(r -> r.instanceId(instanceId)).commands().stream()
                    .filter(c -> comment(request).equals(c.comment())).map(Command::commandId).findFirst()
                    .orElse(null);
            if (commandId == null) {
                LOG.infof("%s/%s: no command was sent before the runner stopped; sending it now",
                        request.run().runId(), target.id());
                return Optional.empty();
            }
            recordSent(request, commandId, child.processStart());
        }
        LOG.infof("%s/%s: adopting SSM command %s sent before the runner restarted", request.run().runId(),
                target.id(), commandId);
        Map<String, String> details = new TreeMap<>();
        details.put("initialState", String.valueOf(target.state()));
        details.put("commandId", commandId);
        if (AwsOptions.STOPPED.equals(target.state())) {
            details.put("startedForPatching", "true");
            details.put("powerState", "running");
        }
        ExecutionResult result = await(ssm, request, instanceId, commandId, details, started);
        if (result.succeeded() && AwsOptions.restoresPowerOf(request.run(), target)) {
            Map<String, String> more = new TreeMap<>(result.details());
            more.put("powerRestore", "after validation");
            return Optional.of(new ExecutionResult(true, result.exitCode(), null, result.duration(), more,
                    result.status()));
        }
        return Optional.of(result);
    }

    /**
     * Records the id of a command SSM already has. If that fails (MongoDB briefly down) the command is awaited all
     * the same: it is running, failing the target would misreport it and a retry would send it twice; the intent is
     * on record, so a runner restarted meanwhile finds the command by its comment.
     */
    private static void recordSent(ExecutionRequest request, String commandId, Instant sentAt) {
        try {
            request.onChildStarted().accept(ChildProcess.remote(commandId, sentAt, request.output().toString()));
        } catch (RuntimeException e) {
            LOG.warnf(e, "%s/%s: SSM command %s sent but its id not recorded; awaiting it anyway",
                    request.run().runId(), request.target().id(), commandId);
        }
    }

    private String send(SsmClient ssm, ExecutionRequest request, String instanceId, String rebootOption,
            String comment) {
        SendCommandRequest.Builder send = SendCommandRequest.builder()
                .documentName(config.documentName())
                .instanceIds(instanceId)
                .comment(comment)
                .timeoutSeconds((int) config.deliveryTimeout().toSeconds())
                .parameters(Map.of("Operation", List.of(request.dryRun() ? "Scan" : "Install"), "RebootOption",
                        List.of(request.dryRun() ? "NoReboot" : rebootOption)));
        config.outputS3Bucket().ifPresent(bucket -> send.outputS3BucketName(bucket)
                .outputS3KeyPrefix(config.outputS3Prefix() + "/" + request.run().runId()));
        return ssm.sendCommand(send.build()).command().commandId();
    }

    /** Waits for a terminal status with the SDK's generic waiter, then maps it. */
    private ExecutionResult await(SsmClient ssm, ExecutionRequest request, String instanceId, String commandId,
            Map<String, String> details, long started) {
        Waiter<GetCommandInvocationResponse> waiter = Waiter.builder(GetCommandInvocationResponse.class)
                .addAcceptor(WaiterAcceptor.successOnResponseAcceptor(r -> SsmStatuses.isTerminal(r.statusDetails())))
                .addAcceptor(WaiterAcceptor.retryOnResponseAcceptor(r -> true))
                // Right after SendCommand the invocation may not exist yet.
                .addAcceptor(WaiterAcceptor.retryOnExceptionAcceptor(e -> e instanceof InvocationDoesNotExistException))
                .overrideConfiguration(InstancePower.waitFor(request.timeout(), config.pollInterval()))
                .build();
        GetCommandInvocationResponse invocation;
        try {
            invocation = waiter.run(() -> ssm.getCommandInvocation(r -> r.commandId(commandId).instanceId(instanceId)))
                    .matched().response().orElseThrow();
        } catch (SdkException e) {
            // Our time limit (patch timeout) passed while SSM still ran it: cancel, and count it like SSM's
            // ExecutionTimedOut.
            try {
                ssm.cancelCommand(r -> r.commandId(commandId).instanceIds(instanceId));
            } catch (SdkException cancel) {
                LOG.warnf("cannot cancel SSM command %s: %s", commandId, AwsErrors.describe(cancel));
            }
            details.put("ssmStatus", "TimedOut");
            return ExecutionResult.failure("SSM command " + commandId + " on " + instanceId + " did not end within "
                    + request.timeout().toSeconds() + " s; cancelled: " + AwsErrors.describe(e), null,
                    elapsed(started), withBudget(details, true));
        }
        writeOutput(request, invocation);
        return SsmStatuses.outcome(invocation, request.dryRun(), details, elapsed(started));
    }

    private static void writeOutput(ExecutionRequest request, GetCommandInvocationResponse invocation) {
        String out = (invocation.standardOutputContent() == null ? "" : invocation.standardOutputContent())
                + (invocation.standardErrorContent() == null || invocation.standardErrorContent().isBlank()
                        ? ""
                        : "\n" + invocation.standardErrorContent());
        try {
            Files.writeString(request.output(), out);
        } catch (IOException e) {
            LOG.warnf("cannot write the output of SSM command %s: %s", invocation.commandId(), e.getMessage());
        }
    }

    /** After a failure on an instance this executor started: stop it again now if the run restores power states. */
    private ExecutionResult restoreAfterFailure(ExecutionRequest request, Ec2Client ec2, String instanceId,
            ExecutionResult failed, Map<String, String> details, long started) {
        if (!AwsOptions.restoresPowerOf(request.run(), request.target())) {
            return failed;
        }
        Map<String, String> more = new TreeMap<>(failed.details());
        Optional<String> notStopped = stopAgain(ec2, instanceId);
        if (notStopped.isEmpty()) {
            more.put("powerState", "stopped");
            more.put("powerRestored", "true");
        } else {
            more.put("powerRestored", "false: " + notStopped.get());
        }
        return ExecutionResult.failure(failed.failureReason(), failed.exitCode(), elapsed(started), more);
    }

    /** Best effort: the caller's failure is what it reports; a stop that fails is logged with the instance. */
    private void stopAgainQuietly(ExecutionRequest request, Ec2Client ec2, String instanceId) {
        if (!AwsOptions.restoresPowerOf(request.run(), request.target())) {
            return;
        }
        stopAgain(ec2, instanceId).ifPresent(why -> LOG.warnf("%s/%s: %s was started for patching and could not be "
                + "stopped again (%s); it stays running until the target is executed again", request.run().runId(),
                request.target().id(), instanceId, why));
    }

    /** Stops an instance this executor started (StopInstances, then the SDK's waiter); why it did not, if not. */
    private Optional<String> stopAgain(Ec2Client ec2, String instanceId) {
        try {
            InstancePower.stop(ec2, instanceId, config.startWaitTimeout(), config.pollInterval());
            return Optional.empty();
        } catch (SdkException e) {
            return Optional.of(AwsErrors.describe(e));
        }
    }

    static Map<String, String> withBudget(Map<String, String> details, boolean counted) {
        Map<String, String> copy = new TreeMap<>(details);
        copy.put(ErrorBudget.DETAIL, counted ? "counted" : ErrorBudget.NOT_COUNTED);
        return copy;
    }

    /** SSM comments are at most 100 characters; this one names the run and target, for ListCommands after a crash. */
    static String comment(ExecutionRequest request) {
        String comment = "patchflow " + request.run().runId() + " " + request.target().id();
        return comment.length() <= 100 ? comment : comment.substring(0, 100);
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
