package dev.patchflow.scanner.adapters.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsErrors;
import dev.patchflow.aws.LandingZone;
import dev.patchflow.aws.LandingZoneException;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.Discovery;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.schemas.events.AwsTarget;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.schemas.events.ZoneError;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.InstanceInformation;

/**
 * {@code aws-ec2}: the EC2 instances of the run's landing zones (seed 004's scanner phase). The zones come from the
 * configured landing-zone file, picked by {@code targets.landingZones} or, without names, by
 * {@code targets.environment}; both are checked before anything is sent to AWS, so an unknown zone or a bad file
 * rejects the run with nothing sent.
 * <p>
 * Per zone: its role is assumed (the SDK's STS provider, session named after the run); per region of the zone:
 * DescribeInstances with server-side filters (the environment tag, the instance states) and the SDK's paginator,
 * then SSM DescribeInstanceInformation for ping status, agent version and platform. Zones and regions are scanned
 * in parallel; a zone that cannot be assumed, a region that fails and whatever is not done when
 * {@code scanner.timeout} passes become {@link ZoneError}s and the other zones go on. Throttling is the SDK retry
 * strategy's business.
 */
@ApplicationScoped
public class Ec2InventoryProvider implements InventoryProvider {

    public static final String NAME = "aws-ec2";
    public static final String NOT_MANAGED = "NotManaged";

    private static final Logger LOG = Logger.getLogger(Ec2InventoryProvider.class);

    private final LandingZoneSource zones;
    private final AwsClients clients;
    private final ScannerConfig.Aws config;
    private final ExecutorService pool;

    @Inject
    public Ec2InventoryProvider(LandingZoneSource zones, AwsClients clients, ScannerConfig config) {
        this(zones, clients, config.aws());
    }

    public Ec2InventoryProvider(LandingZoneSource zones, AwsClients clients, ScannerConfig.Aws config) {
        this.zones = zones;
        this.clients = clients;
        this.config = config;
        this.pool = Executors.newFixedThreadPool(Math.max(1, config.parallelism()), runnable -> {
            Thread thread = new Thread(runnable, "aws-ec2-scan");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceDescription() {
        return "the landing zones of the configured landing-zone file (patchflow.aws.landing-zones-file), picked"
                + " by targets.landingZones or targets.environment";
    }

    @Override
    public boolean providesInstallFolders() {
        return false;
    }

    @Override
    public boolean needsSource() {
        return false;
    }

    @Override
    public List<Target> discover(TargetSelector selector) {
        throw new UnsupportedOperationException("the aws-ec2 provider scans for a run: discover(RunContext)");
    }

    @Override
    public Discovery discover(RunContext run) {
        TargetSelector selector = run.targets();
        List<LandingZone> selected;
        try {
            selected = zones.current().select(selector.landingZones(), selector.environment());
        } catch (LandingZoneException e) {
            throw new RejectedRunException(e.getMessage(), e);
        }
        Integer timeoutSeconds = run.options().awsOrDefaults().scanTimeoutSeconds();
        Duration timeout = timeoutSeconds == null ? config.scanTimeout() : Duration.ofSeconds(timeoutSeconds);
        long deadline = System.nanoTime() + timeout.toNanos();

        Map<LandingZone, Future<ZoneScan>> scans = new LinkedHashMap<>();
        for (LandingZone zone : selected) {
            scans.put(zone, pool.submit(() -> scanZone(zone, run.runId(), selector.environment())));
        }
        List<Target> targets = new ArrayList<>();
        List<ZoneError> errors = new ArrayList<>();
        for (Map.Entry<LandingZone, Future<ZoneScan>> scan : scans.entrySet()) {
            LandingZone zone = scan.getKey();
            try {
                ZoneScan result = scan.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                targets.addAll(result.targets());
                errors.addAll(result.errors());
            } catch (TimeoutException e) {
                scan.getValue().cancel(true);
                errors.add(new ZoneError(zone.name(), zone.accountId(), null,
                        "scan did not finish within " + timeout.toSeconds() + " s (scanner.timeout)"));
            } catch (ExecutionException e) {
                errors.add(new ZoneError(zone.name(), zone.accountId(), null, AwsErrors.describe(e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while scanning landing zones", e);
            }
        }
        for (ZoneError error : errors) {
            LOG.warnf("run %s: landing zone %s%s not scanned: %s", run.runId(), error.landingZone(),
                    error.region() == null ? "" : " region " + error.region(), error.reason());
        }
        return new Discovery(targets, errors);
    }

    private record ZoneScan(List<Target> targets, List<ZoneError> errors) {
    }

    private ZoneScan scanZone(LandingZone zone, String runId, String environment) {
        try {
            // Once per zone: a role that cannot be assumed is the zone's error, not each region's.
            clients.credentials(zone, runId).resolveCredentials();
        } catch (RuntimeException e) {
            return new ZoneScan(List.of(), List.of(new ZoneError(zone.name(), zone.accountId(), null,
                    "cannot assume role " + zone.roleArn() + ": " + AwsErrors.describe(e))));
        }
        List<Target> targets = new ArrayList<>();
        List<ZoneError> errors = new ArrayList<>();
        for (String region : zone.regions()) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            try {
                targets.addAll(scanRegion(zone, region, runId, environment));
            } catch (RuntimeException e) {
                errors.add(new ZoneError(zone.name(), zone.accountId(), region, AwsErrors.describe(e)));
            }
        }
        return new ZoneScan(targets, errors);
    }

    private List<Target> scanRegion(LandingZone zone, String region, String runId, String environment) {
        Ec2Client ec2 = clients.ec2(zone, region, runId);
        List<Filter> filters = new ArrayList<>();
        filters.add(Filter.builder().name("instance-state-name").values(config.instanceStates()).build());
        if (environment != null && !environment.isBlank()) {
            filters.add(Filter.builder().name("tag:" + config.environmentTag()).values(environment).build());
        }
        List<Instance> instances = new ArrayList<>();
        ec2.describeInstancesPaginator(DescribeInstancesRequest.builder().filters(filters).maxResults(
                config.pageSize()).build()).reservations().forEach(r -> instances.addAll(r.instances()));
        instances.sort(Comparator.comparing(Instance::instanceId));
        if (instances.isEmpty()) {
            return List.of();
        }
        Map<String, InstanceInformation> managed = managedInstances(clients.ssm(zone, region, runId));
        List<Target> targets = new ArrayList<>(instances.size());
        for (Instance instance : instances) {
            targets.add(target(zone, region, instance, managed.get(instance.instanceId())));
        }
        return targets;
    }

    private static Map<String, InstanceInformation> managedInstances(SsmClient ssm) {
        Map<String, InstanceInformation> byId = new HashMap<>();
        ssm.describeInstanceInformationPaginator(r -> r.maxResults(50)).instanceInformationList()
                .forEach(info -> byId.put(info.instanceId(), info));
        return byId;
    }

    private Target target(LandingZone zone, String region, Instance instance, InstanceInformation ssm) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : instance.tags()) {
            tags.put(tag.key(), tag.value());
        }
        String name = tags.getOrDefault("Name", instance.instanceId());
        String environment = tags.getOrDefault(config.environmentTag(), zone.environment());
        String platform = instance.platformDetails() != null
                ? instance.platformDetails()
                : instance.platformAsString() != null ? instance.platformAsString() : "Linux/UNIX";
        AwsTarget aws = new AwsTarget(zone.accountId(), region,
                instance.placement() == null ? null : instance.placement().availabilityZone(), instance.instanceId(),
                instance.instanceTypeAsString(), ssm == null ? NOT_MANAGED : ssm.pingStatusAsString(),
                ssm == null ? null : ssm.agentVersion(), ssm == null ? null : ssm.platformName());
        return new Target(instance.instanceId(), name, Target.KIND_AWS_EC2, environment, zone.name(), tags,
                instance.privateIpAddress(), platform, instance.architectureAsString(),
                instance.state() == null ? null : instance.state().nameAsString(), null, null, null, null, aws, null,
                null);
    }
}
