package dev.patchflow.backup.adapters.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
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
import dev.patchflow.aws.LandingZoneException;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.PatchflowTags;
import dev.patchflow.backup.config.BackupConfig;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.backup.domain.StoreUnavailableException;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.Target;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.DescribeImagesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeImagesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Image;
import software.amazon.awssdk.services.ec2.model.ImageState;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.waiters.Ec2Waiter;

/**
 * Restore points of EC2 instances ({@code aws-ec2}): an AMI, for running and stopped instances alike (seed 004's
 * AMI backup phase).
 * <p>
 * Idempotent by tags: the image and its snapshots are tagged at creation ({@code TagSpecifications}, atomic with
 * CreateImage) with {@code patchflow:managed}, the run, the target and {@code patchflow:retain-until}; before
 * creating, an image tagged for this run and target is looked for, so a redelivered or retried
 * {@code InstanceScanned} never makes a second AMI. The SDK's {@code imageAvailable} waiter waits with the run's
 * {@code ami_backup.timeout}; {@code failed} (the waiter's failure acceptor) or the timeout fail the backup with the
 * reason. Expiry deregisters the image and deletes its snapshots, only those Patchflow tagged.
 */
@ApplicationScoped
public class AmiBackupMethod implements BackupMethod {

    public static final String NAME = "ami";

    private static final Logger LOG = Logger.getLogger(AmiBackupMethod.class);

    private final LandingZoneSource zones;
    private final AwsClients clients;
    private final BackupConfig.Ami config;
    private final Clock clock;

    @Inject
    public AmiBackupMethod(LandingZoneSource zones, AwsClients clients, BackupConfig config, Clock clock) {
        this(zones, clients, config.ami(), clock);
    }

    public AmiBackupMethod(LandingZoneSource zones, AwsClients clients, BackupConfig.Ami config, Clock clock) {
        this.zones = zones;
        this.clients = clients;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(Target.KIND_AWS_EC2);
    }

    @Override
    public RestorePoint create(Job job) throws BackupFailureException {
        Target target = job.target();
        if (target.aws() == null || target.aws().instanceId() == null || target.aws().region() == null) {
            throw new BackupFailureException("aws-ec2 target " + target.id() + " has no instance id or region");
        }
        String instanceId = target.aws().instanceId();
        Ec2Client ec2 = ec2(job);
        AwsOptions options = job.run().options().awsOrDefaults();
        try {
            Optional<Image> earlier = taggedImage(ec2, job);
            String imageId;
            if (earlier.isPresent()) {
                imageId = earlier.get().imageId();
                LOG.infof("%s/%s: image %s of an earlier attempt found by its tags; not creating another",
                        job.runId(), job.targetId(), imageId);
            } else {
                imageId = createImage(ec2, job, options);
            }
            Image image = awaitAvailable(ec2, imageId, instanceId, options);
            return restorePoint(image, job);
        } catch (BackupFailureException e) {
            throw e;
        } catch (SdkException e) {
            String where = instanceId + " in " + target.landingZone() + "/" + target.aws().region();
            if (AwsErrors.isTransient(e)) {
                // EC2 briefly unavailable: the backup waits for it (the earlier image is found by its tags).
                throw new StoreUnavailableException("EC2 did not answer for the AMI of " + where + ": "
                        + AwsErrors.describe(e), e);
            }
            throw new BackupFailureException("AMI of " + where + " failed: " + AwsErrors.describe(e), e);
        }
    }

    private Ec2Client ec2(Job job) throws BackupFailureException {
        try {
            LandingZone zone = zones.zone(job.target().landingZone());
            return clients.ec2(zone, job.target().aws().region(), job.runId());
        } catch (LandingZoneException e) {
            throw new BackupFailureException(e.getMessage(), e);
        }
    }

    /** The image an earlier attempt of this run made for this target, unless it failed. */
    private static Optional<Image> taggedImage(Ec2Client ec2, Job job) {
        return ec2.describeImages(DescribeImagesRequest.builder().owners("self")
                .filters(tagFilter(PatchflowTags.RUN, job.runId()), tagFilter(PatchflowTags.TARGET, job.targetId()))
                .build()).images().stream()
                .filter(i -> i.state() != ImageState.FAILED && i.state() != ImageState.DEREGISTERED)
                .min(Comparator.comparing(Image::creationDate, Comparator.nullsLast(Comparator.naturalOrder())));
    }

    private String createImage(Ec2Client ec2, Job job, AwsOptions options) {
        int days = options.amiRetentionDays() != null ? options.amiRetentionDays() : config.retentionDays();
        Instant retainUntil = clock.instant().plus(Duration.ofDays(days)).truncatedTo(ChronoUnit.SECONDS);
        List<Tag> tags = List.of(tag(PatchflowTags.MANAGED, "true"), tag(PatchflowTags.RUN, job.runId()),
                tag(PatchflowTags.TARGET, job.targetId()), tag(PatchflowTags.RETAIN_UNTIL, retainUntil.toString()),
                tag(PatchflowTags.LANDING_ZONE, job.target().landingZone()),
                tag("Name", "patchflow " + job.target().name()));
        boolean noReboot = options.noReboot() != null ? options.noReboot() : config.noReboot();
        String imageId = ec2.createImage(r -> r.instanceId(job.target().aws().instanceId())
                .name(imageName(job.runId(), job.targetId()))
                .description("Patchflow restore point of " + job.targetId() + " before run " + job.runId())
                .noReboot(noReboot)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.IMAGE).tags(tags).build(),
                        TagSpecification.builder().resourceType(ResourceType.SNAPSHOT).tags(tags).build()))
                .imageId();
        LOG.infof("%s/%s: CreateImage %s of %s (noReboot=%s, retain until %s)", job.runId(), job.targetId(), imageId,
                job.target().aws().instanceId(), noReboot, retainUntil);
        return imageId;
    }

    private Image awaitAvailable(Ec2Client ec2, String imageId, String instanceId, AwsOptions options)
            throws BackupFailureException {
        Duration timeout = options.amiTimeoutSeconds() != null
                ? Duration.ofSeconds(options.amiTimeoutSeconds())
                : config.timeout();
        try (Ec2Waiter waiter = Ec2Waiter.builder().client(ec2).overrideConfiguration(WaiterOverrideConfiguration
                .builder().waitTimeout(timeout).maxAttempts(Integer.MAX_VALUE)
                .backoffStrategy(FixedDelayBackoffStrategy.create(config.pollInterval())).build()).build()) {
            WaiterResponse<DescribeImagesResponse> done = waiter.waitUntilImageAvailable(r -> r.imageIds(imageId));
            Optional<DescribeImagesResponse> response = done.matched().response();
            if (response.isPresent() && !response.get().images().isEmpty()) {
                return response.get().images().get(0);
            }
            throw new BackupFailureException("AMI " + imageId + " of " + instanceId + ": the waiter ended without an"
                    + " image: " + done.matched().exception().map(AwsErrors::describe).orElse("no answer"));
        } catch (SdkException e) {
            // The waiter's failure acceptor (state "failed") or its time limit.
            Image image = describe(ec2, imageId).orElse(null);
            if (image != null && image.state() == ImageState.FAILED) {
                throw new BackupFailureException("AMI " + imageId + " of " + instanceId + " failed: "
                        + (image.stateReason() == null ? "no reason given" : image.stateReason().message()), e);
            }
            if (image != null && image.state() == ImageState.PENDING) {
                throw new BackupFailureException("AMI " + imageId + " of " + instanceId + " was not available within "
                        + timeout.toSeconds() + " s (ami_backup.timeout); it is still pending", e);
            }
            if (image == null && AwsErrors.isTransient(e)) {
                throw new StoreUnavailableException("EC2 did not answer while waiting for AMI " + imageId + " of "
                        + instanceId + ": " + AwsErrors.describe(e), e);
            }
            throw new BackupFailureException("AMI " + imageId + " of " + instanceId + " is not available: "
                    + AwsErrors.describe(e), e);
        }
    }

    private static Optional<Image> describe(Ec2Client ec2, String imageId) {
        try {
            return ec2.describeImages(r -> r.imageIds(imageId)).images().stream().findFirst();
        } catch (SdkException e) {
            return Optional.empty();
        }
    }

    private static RestorePoint restorePoint(Image image, Job job) {
        List<String> snapshots = snapshotIds(image);
        Map<String, String> details = new TreeMap<>();
        details.put("imageId", image.imageId());
        details.put("snapshotIds", String.join(",", snapshots));
        image.tags().stream().filter(t -> PatchflowTags.RETAIN_UNTIL.equals(t.key())).findFirst()
                .ifPresent(t -> details.put(RestorePoint.RETAIN_UNTIL, t.value()));
        if (image.creationDate() != null) {
            details.put("createdAt", image.creationDate());
        }
        details.put("region", job.target().aws().region());
        details.put("landingZone", job.target().landingZone());
        details.put("instanceId", job.target().aws().instanceId());
        return RestorePoint.of(image.imageId(), details);
    }

    private static List<String> snapshotIds(Image image) {
        List<String> ids = new ArrayList<>();
        for (BlockDeviceMapping mapping : image.blockDeviceMappings()) {
            if (mapping.ebs() != null && mapping.ebs().snapshotId() != null) {
                ids.add(mapping.ebs().snapshotId());
            }
        }
        return ids;
    }

    @Override
    public void expire(BackupRecord record) throws BackupFailureException {
        remove(record, false);
    }

    @Override
    public String expireDryRun(BackupRecord record) throws BackupFailureException {
        return remove(record, true);
    }

    /**
     * Deregisters the image and deletes its snapshots, each only if Patchflow tagged it. In a dry run every call
     * carries EC2's {@code DryRun}, which answers whether it would have been allowed, and nothing changes.
     */
    private String remove(BackupRecord record, boolean dryRun) throws BackupFailureException {
        Map<String, String> d = record.details();
        String imageId = d.get("imageId");
        String region = d.get("region");
        String zoneName = d.get("landingZone");
        if (imageId == null || region == null || zoneName == null) {
            throw new BackupFailureException("AMI record " + record.key() + " lacks imageId, region or landingZone");
        }
        Ec2Client ec2;
        try {
            ec2 = clients.ec2(zones.zone(zoneName), region, "retention");
        } catch (LandingZoneException e) {
            throw new BackupFailureException(e.getMessage(), e);
        }
        try {
            Optional<Image> image = ec2.describeImages(r -> r.imageIds(imageId)
                    .filters(tagFilter(PatchflowTags.MANAGED, "true"))).images().stream().findFirst();
            List<String> snapshots = List.of(d.getOrDefault("snapshotIds", "").split(",")).stream()
                    .filter(s -> !s.isBlank()).toList();
            List<String> managedSnapshots = snapshots.isEmpty()
                    ? List.of()
                    : ec2.describeSnapshots(r -> r.snapshotIds(snapshots)
                            .filters(tagFilter(PatchflowTags.MANAGED, "true"))).snapshots().stream()
                            .map(s -> s.snapshotId()).toList();
            if (image.isPresent()) {
                call(() -> ec2.deregisterImage(r -> r.imageId(imageId).dryRun(dryRun)), dryRun);
            }
            for (String snapshot : managedSnapshots) {
                call(() -> ec2.deleteSnapshot(r -> r.snapshotId(snapshot).dryRun(dryRun)), dryRun);
            }
            return (dryRun ? "would deregister " : "deregistered ") + (image.isPresent() ? imageId : "nothing (gone)")
                    + " and " + (dryRun ? "delete " : "deleted ")
                    + (managedSnapshots.isEmpty() ? "no snapshot" : String.join(", ", managedSnapshots));
        } catch (SdkException e) {
            if (AwsErrors.isNotFound(e)) {
                return "already gone: " + AwsErrors.describe(e);
            }
            throw new BackupFailureException("cannot expire AMI " + imageId + " in " + zoneName + "/" + region + ": "
                    + AwsErrors.describe(e), e);
        }
    }

    /** Runs an EC2 call; with DryRun, EC2 answers DryRunOperation when it would have succeeded. */
    private static void call(Runnable action, boolean dryRun) {
        try {
            action.run();
        } catch (Ec2Exception e) {
            if (dryRun && "DryRunOperation".equals(AwsErrors.code(e))) {
                return;
            }
            throw e;
        }
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private static Filter tagFilter(String key, String value) {
        return Filter.builder().name(PatchflowTags.filter(key)).values(value).build();
    }

    /** AMI names: 3–128 characters of letters, digits, ( ) [ ] space . / - ' @ _; unique per account and region. */
    static String imageName(String runId, String targetId) {
        String name = ("patchflow-" + runId + "-" + targetId).replaceAll("[^A-Za-z0-9()\\[\\] ./'@_-]", "_");
        return name.length() <= 128 ? name : name.substring(0, 128);
    }
}
