package dev.patchflow.validator.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.validator.domain.CheckUnavailableException;

/** The AWS checks with the real clients against the AWS stand-in. */
class AwsChecksTest {

    static final String KEY = "ASIALZ250";
    static final String ID = "i-0a1b2c3d4e5f60201";
    private static AwsStub aws;
    private static AwsClients clients;

    @TempDir
    Path dir;
    private LandingZoneSource zones;

    @BeforeAll
    static void start() {
        aws = AwsStub.start();
        clients = aws.clients(2);
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
        zones = new LandingZoneSource(Optional.of(AwsStub.writeOneZone(dir)));
    }

    static final Target TARGET = new Target(ID, "web", Target.KIND_AWS_EC2, "nonprod", "lz250nonprod", Map.of(),
            "10.0.0.1", "Linux/UNIX", "x86_64", "running", null, null, null, null,
            new AwsTarget("250000000001", "eu-west-1", "eu-west-1a", ID, "t3.micro", "Online", null, null), null,
            null);
    static final RunContext RUN = new RunContext("run-val", Instant.now(), "alice",
            new PatchSpec("AWS-RunPatchBaseline", "run-val", "ssm", null, null, null),
            new TargetSelector("aws-ec2", null, null, List.of(), null), RunOptions.defaults());

    static CheckSpec spec(String type) {
        return new CheckSpec(type, type, null, null, null, null, null);
    }

    @Test
    void instanceRunningAndSsmOnlinePassAndFailWithWhatAwsSaid() {
        aws.instanceStates(KEY, new AwsStub.Instance(ID, "web", "running", "10.0.0.1", "eu-west-1a", "t3.micro",
                "x86_64", "Linux/UNIX", Map.of()), "running");
        aws.pingStatuses(KEY, ID, "ConnectionLost");
        CheckResult running = new AwsChecks.InstanceRunning(zones, clients).run(spec(CheckSpec.AWS_INSTANCE_RUNNING),
                TARGET, RUN);
        CheckResult online = new AwsChecks.SsmOnline(zones, clients).run(spec(CheckSpec.AWS_SSM_ONLINE), TARGET, RUN);
        assertThat(running.passed()).isTrue();
        assertThat(running.detail()).isEqualTo("instance " + ID + " is running");
        assertThat(online.passed()).isFalse();
        assertThat(online.detail()).isEqualTo("SSM agent 3.3.1142.0 is ConnectionLost");
    }

    @Test
    void theBackupImageOfThisRunMustBeAvailable() {
        aws.imageLifecycle(KEY, ID, new AwsStub.Image("ami-0f1e2d3c4b5a60201", "pending", Instant.now(), List.of(),
                Map.of(), null), "available");
        CheckResult none = new AwsChecks.BackupImage(zones, clients).run(spec(CheckSpec.AWS_BACKUP_IMAGE), TARGET, RUN);
        assertThat(none.passed()).isFalse();
        assertThat(none.detail()).isEqualTo("no AMI tagged for run run-val and target " + ID);
    }

    @Test
    void patchComplianceFailsOnMissingPatchesAndReportsPendingReboots() {
        aws.patchState(KEY, ID, 0, 0, 2);
        CheckResult ok = new AwsChecks.PatchCompliance(zones, clients).run(spec(CheckSpec.AWS_PATCH_COMPLIANCE),
                TARGET, RUN);
        assertThat(ok.passed()).isTrue();
        assertThat(ok.detail()).isEqualTo("missing 0, failed 0, installed 12, 2 pending reboot (baseline"
                + " pb-0123456789abcdef0)");
        aws.reset();
        aws.assumeRole("arn:aws:iam::250000000001:role/PatchflowZone", KEY, Instant.now().plusSeconds(3600));
        aws.patchState(KEY, ID, 3, 1, 0);
        CheckResult bad = new AwsChecks.PatchCompliance(zones, clients).run(spec(CheckSpec.AWS_PATCH_COMPLIANCE),
                TARGET, RUN);
        assertThat(bad.passed()).isFalse();
        assertThat(bad.detail()).startsWith("missing 3, failed 1");
    }

    @Test
    void awsBrieflyUnavailableLeavesTheCheckToBeMadeAgainInsteadOfFailingTheTarget() {
        aws.ec2Fails(KEY, "DescribeInstances", 503, "Unavailable", "The server is unavailable.");
        AwsChecks.InstanceRunning check = new AwsChecks.InstanceRunning(zones, clients);

        assertThatThrownBy(() -> check.run(spec(CheckSpec.AWS_INSTANCE_RUNNING), TARGET, RUN))
                .isInstanceOf(CheckUnavailableException.class)
                .hasMessage("AWS did not answer the aws-instance-running check of " + ID
                        + " in lz250nonprod/eu-west-1: Unavailable: The server is unavailable.");

        aws.reset();
        aws.assumeRole("arn:aws:iam::250000000001:role/PatchflowZone", KEY, Instant.now().plusSeconds(3600));
        aws.instanceStates(KEY, new AwsStub.Instance(ID, "web", "running", "10.0.0.1", "eu-west-1a", "t3.micro",
                "x86_64", "Linux/UNIX", Map.of()), "running");
        assertThat(check.run(spec(CheckSpec.AWS_INSTANCE_RUNNING), TARGET, RUN).passed()).isTrue();
    }

    @Test
    void whatAwsSaysAboutTheTargetFailsTheCheckWithTheReason() {
        aws.ec2Fails(KEY, "DescribeImages", 400, "InvalidParameterValue", "Invalid filter");

        CheckResult image = new AwsChecks.BackupImage(zones, clients).run(spec(CheckSpec.AWS_BACKUP_IMAGE), TARGET,
                RUN);

        assertThat(image.passed()).isFalse();
        assertThat(image.detail()).isEqualTo("AWS: InvalidParameterValue: Invalid filter");
    }
}
