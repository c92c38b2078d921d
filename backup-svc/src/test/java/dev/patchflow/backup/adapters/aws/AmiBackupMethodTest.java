package dev.patchflow.backup.adapters.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.aws.testing.AwsStub.Image;
import dev.patchflow.backup.config.BackupConfig;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupMethods;
import dev.patchflow.backup.domain.BackupOutcome;
import dev.patchflow.backup.domain.BackupService;
import dev.patchflow.backup.domain.FakeRecords;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.backup.domain.RetentionSweeper;
import dev.patchflow.backup.domain.StoreUnavailableException;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/** The ami method with the real EC2 client and its waiter against the AWS stand-in. */
class AmiBackupMethodTest {

    static final String KEY = "ASIALZ250";
    static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");

    private static AwsStub aws;
    private static AwsClients clients;

    @TempDir
    Path dir;
    private AmiBackupMethod method;

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
        method = new AmiBackupMethod(new LandingZoneSource(Optional.of(lz)), clients, ami(Duration.ofSeconds(20)),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    static BackupConfig.Ami ami(Duration timeout) {
        return new FixedAmiSettings(timeout);
    }

    /**
     * A named class, not an anonymous one: Quarkus indexes test classes, and ArC refuses an anonymous class whose
     * methods inherit the interface's validation constraints ({@code @Positive} is an interceptor binding).
     */
    record FixedAmiSettings(Duration timeout) implements BackupConfig.Ami {

        @Override
        public boolean noReboot() {
            return true;
        }

        @Override
        public int retentionDays() {
            return 7;
        }

        @Override
        public Duration pollInterval() {
            return Duration.ofMillis(100);
        }
    }

    static Target target(String instanceId) {
        return new Target(instanceId, "web-01", Target.KIND_AWS_EC2, "nonprod", "lz250nonprod", Map.of(), "10.0.0.1",
                "Linux/UNIX", "x86_64", "stopped", null, null, null, null,
                new AwsTarget("250000000001", "eu-west-1", "eu-west-1a", instanceId, "t3.micro", "Online", null,
                        null),
                null, null);
    }

    static RunContext run(Integer retentionDays) {
        return new RunContext("run-ami", NOW, "alice", new PatchSpec("AWS-RunPatchBaseline", "run-ami", "ssm", null,
                null, null), new TargetSelector("aws-ec2", null, "nonprod", List.of("lz250nonprod"), null),
                new RunOptions(false, Phases.ALL, null, null,
                        new AwsOptions(null, retentionDays, null, false, null, null, null)));
    }

    static Image image(String id) {
        return new Image(id, "pending", NOW.plusSeconds(5), List.of("snap-0aaa0000000000001", "snap-0bbb0000000000002"),
                Map.of("patchflow:managed", "true", "patchflow:retain-until", "2026-11-30T09:00:00Z"), null);
    }

    @Test
    void makesAnAmiWaitsUntilAvailableAndReportsImageSnapshotsAndRetention() throws Exception {
        String instance = "i-0a1b2c3d4e5f60001";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60001"), "pending", "pending", "available");

        RestorePoint point = method.create(new BackupMethod.Job(run(10), target(instance), 1));

        assertThat(point.location()).isEqualTo("ami-0f1e2d3c4b5a60001");
        assertThat(point.details()).containsEntry("imageId", "ami-0f1e2d3c4b5a60001")
                .containsEntry("snapshotIds", "snap-0aaa0000000000001,snap-0bbb0000000000002")
                .containsEntry("retainUntil", "2026-11-30T09:00:00Z").containsEntry("region", "eu-west-1")
                .containsEntry("landingZone", "lz250nonprod").containsKey("createdAt");
        String create = aws.ec2Bodies("CreateImage").get(0);
        // Tagged at creation, image and snapshots; the run's retention (10 days) and NoReboot=false win.
        assertThat(create).contains("InstanceId=" + instance, "NoReboot=false",
                "TagSpecification.1.ResourceType=image", "TagSpecification.2.ResourceType=snapshot",
                "Value=2026-11-30T09%3A00%3A00Z", "Value=run-ami", "Key=patchflow%3Amanaged");
    }

    @Test
    void aFailedImageFailsTheBackupWithAwsReason() {
        String instance = "i-0a1b2c3d4e5f60002";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60002"), "pending", "failed");

        assertThatThrownBy(() -> method.create(new BackupMethod.Job(run(null), target(instance), 1)))
                .isInstanceOf(BackupFailureException.class)
                .hasMessage("AMI ami-0f1e2d3c4b5a60002 of " + instance + " failed: snapshot creation failed:"
                        + " InternalError");
    }

    @Test
    void anImageStillPendingAtTheTimeoutFailsTheBackupNamingTheTimeout() {
        String instance = "i-0a1b2c3d4e5f60003";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60003"), "pending");
        method = new AmiBackupMethod(methodZones(), clients, ami(Duration.ofSeconds(1)),
                Clock.fixed(NOW, ZoneOffset.UTC));
        RunContext run = run(null);
        RunContext oneSecond = new RunContext(run.runId(), run.requestedAt(), run.requestedBy(), run.patch(),
                run.targets(), new RunOptions(false, Phases.ALL, null, null, new AwsOptions(null, null, 1, null, null,
                        null, null)));

        assertThatThrownBy(() -> method.create(new BackupMethod.Job(oneSecond, target(instance), 1)))
                .hasMessage("AMI ami-0f1e2d3c4b5a60003 of " + instance + " was not available within 1 s"
                        + " (ami_backup.timeout); it is still pending");
    }

    @Test
    void ec2UnavailableBeyondTheSdksRetriesDelaysTheBackupAndTheNextAttemptMakesTheImage() throws Exception {
        String instance = "i-0a1b2c3d4e5f60006";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60006"), "available");
        aws.ec2Fails(KEY, "CreateImage", 503, "Unavailable", "The server is unavailable.");
        BackupMethod.Job job = new BackupMethod.Job(run(null), target(instance), 1);

        assertThatThrownBy(() -> method.create(job)).isInstanceOf(StoreUnavailableException.class)
                .hasMessage("EC2 did not answer for the AMI of " + instance + " in lz250nonprod/eu-west-1:"
                        + " Unavailable: The server is unavailable.");

        aws.reset();
        aws.assumeRole(AwsStub.ZONE_ROLE, KEY, Instant.now().plusSeconds(3600));
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60006"), "available");
        RestorePoint point = method.create(new BackupMethod.Job(run(null), target(instance), 2));

        assertThat(point.details()).containsEntry("imageId", "ami-0f1e2d3c4b5a60006");
        assertThat(aws.ec2Calls("CreateImage")).isEqualTo(1);
    }

    @Test
    void ec2RefusingTheRequestFailsTheBackupWithItsReason() {
        String instance = "i-0a1b2c3d4e5f60007";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60007"), "available");
        aws.ec2Fails(KEY, "CreateImage", 400, "InvalidInstanceID.Malformed", "Invalid id: \"" + instance + "\"");

        assertThatThrownBy(() -> method.create(new BackupMethod.Job(run(null), target(instance), 1)))
                .isInstanceOf(BackupFailureException.class)
                .hasMessage("AMI of " + instance + " in lz250nonprod/eu-west-1 failed: InvalidInstanceID.Malformed:"
                        + " Invalid id: \"" + instance + "\"");
    }

    private LandingZoneSource methodZones() {
        return new LandingZoneSource(Optional.of(dir.resolve("landing-zones.yaml")));
    }

    @Test
    void aRetriedOrRedeliveredScanMakesNoSecondImage() throws Exception {
        String instance = "i-0a1b2c3d4e5f60004";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60004"), "available");
        FakeRecords records = new FakeRecords();
        BackupService service = new BackupService(records, new BackupMethods(List.of(method)),
                ForkJoinPool.commonPool(),
                Clock.fixed(NOW, ZoneOffset.UTC));
        InstanceScanned scanned = new InstanceScanned(run(null), target(instance));

        BackupOutcome first = service.backUp(scanned);
        // A crash after CreateImage, before the outcome was recorded: the next attempt finds the tagged image.
        RestorePoint again = method.create(new BackupMethod.Job(run(null), target(instance), 2));
        BackupOutcome redelivered = service.backUp(scanned);

        assertThat(first).isInstanceOf(BackupOutcome.Created.class);
        assertThat(again.location()).isEqualTo("ami-0f1e2d3c4b5a60004");
        assertThat(redelivered.replayed()).isTrue();
        assertThat(aws.ec2Calls("CreateImage")).isEqualTo(1);
    }

    @Test
    void theSweeperDeregistersPatchflowImagesPastTheirRetentionAndItsDryRunChangesNothing() throws Exception {
        String instance = "i-0a1b2c3d4e5f60005";
        aws.imageLifecycle(KEY, instance, image("ami-0f1e2d3c4b5a60005"), "available");
        aws.managedSnapshots(KEY, List.of("snap-0aaa0000000000001"));
        aws.deletions(KEY);
        FakeRecords records = new FakeRecords();
        BackupMethods methods = new BackupMethods(List.of(method));
        new BackupService(records, methods, ForkJoinPool.commonPool(), Clock.fixed(NOW, ZoneOffset.UTC))
                .backUp(new InstanceScanned(run(10), target(instance)));
        RetentionSweeper sweeper = new RetentionSweeper(records, methods, Duration.ofDays(1), 10);

        // Before its retain-until (10 days), even past the service-wide day: kept.
        assertThat(sweeper.sweep(NOW.plus(Duration.ofDays(3))).expired()).isZero();
        assertThat(aws.ec2Calls("DeregisterImage")).isZero();

        RetentionSweeper.Sweep dry = sweeper.sweep(NOW.plus(Duration.ofDays(11)), true);
        assertThat(dry.expired()).isEqualTo(1);
        assertThat(aws.ec2Bodies("DeregisterImage")).singleElement().asString().contains("DryRun=true");
        assertThat(aws.ec2Bodies("DeleteSnapshot")).singleElement().asString().contains("DryRun=true");

        RetentionSweeper.Sweep real = sweeper.sweep(NOW.plus(Duration.ofDays(11)));
        assertThat(real.expired()).isEqualTo(1);
        assertThat(aws.ec2Bodies("DeregisterImage")).filteredOn(b -> !b.contains("DryRun=true")).singleElement()
                .asString().contains("ImageId=ami-0f1e2d3c4b5a60005");
        // Only the snapshot Patchflow tagged (snap-0bbb… is not in the managed answer).
        assertThat(aws.ec2Bodies("DeleteSnapshot")).filteredOn(b -> !b.contains("DryRun=true")).singleElement()
                .asString().contains("SnapshotId=snap-0aaa0000000000001");
        assertThat(sweeper.sweep(NOW.plus(Duration.ofDays(12))).expired()).isZero();
    }
}
