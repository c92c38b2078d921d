package dev.patchflow.runner.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.runner.config.RunnerConfig;
import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.StartNotRecordedException;
import dev.patchflow.runner.domain.rollout.ErrorBudget;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** The ssm executor with the real SSM and EC2 clients and waiters against the AWS stand-in. */
class SsmPatchExecutorTest {

    static final String KEY = "ASIALZ250";
    private static AwsStub aws;
    private static AwsClients clients;

    @TempDir
    Path dir;
    private SsmPatchExecutor executor;
    private final List<ChildProcess> recorded = new ArrayList<>();

    @BeforeAll
    static void start() {
        aws = AwsStub.start();
        clients = aws.clients(3);
    }

    @AfterAll
    static void stop() {
        clients.close();
        aws.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        aws.reset();
        aws.assumeRole(AwsStub.ZONE_ROLE, KEY, Instant.now().plusSeconds(3600));
        Path lz = AwsStub.writeOneZone(dir);
        executor = new SsmPatchExecutor(new LandingZoneSource(Optional.of(lz)), clients, config());
    }

    static RunnerConfig.Ssm config() {
        return new RunnerConfig.Ssm() {

            public String documentName() {
                return "AWS-RunPatchBaseline";
            }

            public String rebootOption() {
                return "RebootIfNeeded";
            }

            public Duration deliveryTimeout() {
                return Duration.ofMinutes(10);
            }

            public Duration pollInterval() {
                return Duration.ofMillis(100);
            }

            public Duration startWaitTimeout() {
                return Duration.ofSeconds(20);
            }

            public Optional<String> outputS3Bucket() {
                return Optional.of("patchflow-ssm-output");
            }

            public String outputS3Prefix() {
                return "patchflow/ssm";
            }
        };
    }

    static Target target(String instanceId, String state) {
        return new Target(instanceId, "web", Target.KIND_AWS_EC2, "nonprod", "lz250nonprod", Map.of(), "10.0.0.1",
                "Linux/UNIX", "x86_64", state, null, null, null, null,
                new AwsTarget("250000000001", "eu-west-1", "eu-west-1a", instanceId, "t3.micro", "Online", null,
                        null),
                null, null);
    }

    static AwsStub.Instance stoppedInstance(String instanceId, String privateIp) {
        return new AwsStub.Instance(instanceId, "web", "stopped", privateIp, "eu-west-1a", "t3.micro", "x86_64",
                "Linux/UNIX", Map.of());
    }

    static RunContext run(boolean dryRun, boolean restore) {
        return new RunContext("run-ssm", Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("AWS-RunPatchBaseline", "run-ssm", "ssm", null, null, Map.of("rebootOption", "NoReboot")),
                new TargetSelector("aws-ec2", null, "nonprod", List.of(), null),
                new RunOptions(dryRun, Phases.ALL, null, null, new AwsOptions(null, null, null, null, true, 20,
                        restore)));
    }

    private ExecutionRequest request(RunContext run, Target target) throws IOException {
        return request(run, target, recorded::add);
    }

    private ExecutionRequest request(RunContext run, Target target, Consumer<ChildProcess> onChildStarted)
            throws IOException {
        return new ExecutionRequest(run, target, run.options().dryRun(), Duration.ofSeconds(30),
                Files.createTempFile(dir, "out", ".log"), null, onChildStarted);
    }

    /** The runner's adoption record with MongoDB down from the {@code n}th write on (1: the intent). */
    private Consumer<ChildProcess> recordsFailingFrom(int n) {
        return child -> {
            if (recorded.size() + 1 >= n) {
                throw new IllegalStateException("MongoDB is down");
            }
            recorded.add(child);
        };
    }

    @Test
    void anIntentThatCannotBeRecordedSendsNothingAndLeavesTheTargetToBeExecutedAgain() throws IOException {
        String id = "i-0a1b2c3d4e5f60108";
        aws.command(KEY, id, "cmd-0008", "Success");
        ExecutionRequest request = request(run(false, false), target(id, "running"), recordsFailingFrom(1));

        assertThatThrownBy(() -> executor.execute(request)).isInstanceOf(StartNotRecordedException.class)
                .hasMessageContaining("MongoDB is down");
        assertThat(aws.ssmCalls("SendCommand")).isZero();
    }

    @Test
    void anInstanceStartedForPatchingIsStoppedAgainWhenTheIntentCannotBeRecorded() throws IOException {
        String id = "i-0a1b2c3d4e5f60110";
        AwsStub.Instance instance = stoppedInstance(id, "10.0.0.6");
        aws.powerStates(KEY, instance);
        aws.pingStatuses(KEY, id, "Online");
        aws.command(KEY, id, "cmd-0010", "Success");
        ExecutionRequest request = request(run(false, true), target(id, "stopped"), recordsFailingFrom(1));

        assertThatThrownBy(() -> executor.execute(request)).isInstanceOf(StartNotRecordedException.class);

        // Nothing records that it was started: left running, a run cancelled before the retry never stops it.
        assertThat(aws.ec2Calls("StartInstances")).isEqualTo(1);
        assertThat(aws.ec2Calls("StopInstances")).isEqualTo(1);
        assertThat(aws.ssmCalls("SendCommand")).isZero();
    }

    @Test
    void aSentCommandWhoseIdCannotBeRecordedIsAwaitedNotFailed() throws IOException {
        String id = "i-0a1b2c3d4e5f60109";
        aws.command(KEY, id, "cmd-0009", "InProgress", "Success");
        ExecutionRequest request = request(run(false, false), target(id, "running"), recordsFailingFrom(2));

        ExecutionResult result = executor.execute(request);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.details()).containsEntry("commandId", "cmd-0009").containsEntry("ssmStatus", "Success");
        assertThat(recorded).extracting(ChildProcess::remoteCommand).containsExactly("");
        assertThat(aws.ssmCalls("SendCommand")).isEqualTo(1);
    }

    @Test
    void delayedThenSuccessIsAppliedWithTheCommandIdRecordedBeforeWaiting() throws IOException {
        String id = "i-0a1b2c3d4e5f60101";
        aws.command(KEY, id, "cmd-0001", "Pending", "Delayed", "InProgress", "Success");
        ExecutionRequest request = request(run(false, false), target(id, "running"));

        ExecutionResult result = executor.execute(request);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.exitCode()).isZero();
        assertThat(result.details()).containsEntry("commandId", "cmd-0001").containsEntry("ssmStatus", "Success")
                .containsEntry("operation", "Install").containsEntry("rebootOption", "NoReboot");
        // The intent, then the command id: both recorded before the first GetCommandInvocation answer was read.
        assertThat(recorded).extracting(ChildProcess::remoteCommand).containsExactly("", "cmd-0001");
        assertThat(Files.readString(request.output())).contains("Installed 12 patches");
        String send = aws.ssmBodies("SendCommand").get(0);
        assertThat(send).contains("\"DocumentName\":\"AWS-RunPatchBaseline\"", "\"Operation\":[\"Install\"]",
                "\"RebootOption\":[\"NoReboot\"]", "\"OutputS3BucketName\":\"patchflow-ssm-output\"",
                "\"Comment\":\"patchflow run-ssm " + id + "\"");
    }

    @Test
    void aDryRunScansInsteadOfInstalling() throws IOException {
        String id = "i-0a1b2c3d4e5f60102";
        aws.command(KEY, id, "cmd-0002", "Success");
        ExecutionResult result = executor.execute(request(run(true, false), target(id, "running")));
        assertThat(result.status()).isEqualTo(dev.patchflow.schemas.events.PatchStatus.DRY_RUN);
        assertThat(aws.ssmBodies("SendCommand").get(0)).contains("\"Operation\":[\"Scan\"]");
    }

    @Test
    void aDeliveryTimeoutFailsTheTargetWithoutCountingAgainstTheErrorBudget() throws IOException {
        String id = "i-0a1b2c3d4e5f60103";
        aws.command(KEY, id, "cmd-0003", "Pending", "DeliveryTimedOut");
        RunContext run = run(false, false);
        ExecutionResult result = executor.execute(request(run, target(id, "running")));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).contains("DeliveryTimedOut", "not counted against the error budget");
        assertThat(ErrorBudget.counts(new PatchFailed(run, target(id, "running"), result.failureReason(), null, null,
                null, null, result.details()))).isFalse();
    }

    @Test
    void anExecutionTimeoutCountsAgainstTheErrorBudget() throws IOException {
        String id = "i-0a1b2c3d4e5f60104";
        aws.command(KEY, id, "cmd-0004", "InProgress", "ExecutionTimedOut");
        RunContext run = run(false, false);
        ExecutionResult result = executor.execute(request(run, target(id, "running")));

        assertThat(result.failureReason()).contains("ExecutionTimedOut").doesNotContain("not counted");
        assertThat(ErrorBudget.counts(new PatchFailed(run, target(id, "running"), result.failureReason(), null, null,
                null, null, result.details()))).isTrue();
    }

    @Test
    void everySsmStatusIsMapped() {
        for (String status : List.of("Failed", "ExecutionTimedOut")) {
            assertThat(SsmStatuses.COUNTED).contains(status);
        }
        for (String status : List.of("DeliveryTimedOut", "Undeliverable", "Terminated", "Cancelled")) {
            assertThat(SsmStatuses.NOT_COUNTED).contains(status);
        }
        for (String status : List.of("Pending", "InProgress", "Delayed")) {
            assertThat(SsmStatuses.isTerminal(status)).isFalse();
        }
        assertThat(SsmStatuses.isTerminal("Success")).isTrue();
    }

    @Test
    void aStoppedInstanceIsStartedAndSeenOnlineBeforePatching() throws IOException {
        String id = "i-0a1b2c3d4e5f60105";
        AwsStub.Instance instance = stoppedInstance(id, "10.0.0.5");
        aws.powerActions(KEY, id);
        aws.instanceStates(KEY, instance, "pending", "running");
        aws.pingStatuses(KEY, id, null, "ConnectionLost", "Online");
        aws.command(KEY, id, "cmd-0005", "Success");

        ExecutionResult result = executor.execute(request(run(false, true), target(id, "stopped")));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.details()).containsEntry("initialState", "stopped").containsEntry("startedForPatching",
                "true").containsEntry("powerState", "running").containsEntry("powerRestore", "after validation");
        assertThat(aws.ec2Calls("StartInstances")).isEqualTo(1);
        assertThat(aws.ssmCalls("DescribeInstanceInformation")).isEqualTo(3);
    }

    @Test
    void aRestartedRunnerAdoptsTheRecordedCommandInsteadOfSendingAnother() throws IOException {
        String id = "i-0a1b2c3d4e5f60106";
        aws.command(KEY, id, "cmd-0006", "InProgress", "Success");
        ExecutionRequest request = request(run(false, false), target(id, "running"));

        Optional<ExecutionResult> adopted = executor.adopt(request,
                ChildProcess.remote("cmd-0006", Instant.now(), request.output().toString()));

        assertThat(adopted).get().satisfies(r -> assertThat(r.succeeded()).isTrue());
        assertThat(aws.ssmCalls("SendCommand")).isZero();
    }

    @Test
    void aCommandSentJustBeforeACrashIsFoundByItsCommentNotSentAgain() throws IOException {
        String id = "i-0a1b2c3d4e5f60107";
        aws.command(KEY, id, "cmd-0007", "Success");
        aws.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/").atPriority(1)
                .withHeader("X-Amz-Target", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "AmazonSSM.ListCommands"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Commands\":[{\"CommandId\":\"cmd-0007\",\"Comment\":\"patchflow run-ssm " + id
                                + "\",\"Status\":\"InProgress\"}]}")));
        ExecutionRequest request = request(run(false, false), target(id, "running"));

        Optional<ExecutionResult> adopted = executor.adopt(request,
                ChildProcess.remote("", Instant.now(), request.output().toString()));

        assertThat(adopted).get().satisfies(r -> assertThat(r.details()).containsEntry("commandId", "cmd-0007"));
        assertThat(aws.ssmCalls("SendCommand")).isZero();
        assertThat(recorded).extracting(ChildProcess::remoteCommand).containsExactly("cmd-0007");
    }
}
