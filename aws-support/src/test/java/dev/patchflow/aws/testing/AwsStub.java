package dev.patchflow.aws.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsSettings;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The AWS stand-in for tests: a WireMock server on a random loopback port that answers the real SDK clients in
 * AWS's documented wire formats — EC2's query protocol with XML answers ({@code ec2.amazonaws.com/doc/2016-11-15}),
 * SSM's JSON 1.1 ({@code X-Amz-Target: AmazonSSM.<Operation>}), STS's query protocol with XML answers — with
 * WireMock scenarios for state (an image pending then available, a command in progress then done).
 * <p>
 * All services share one endpoint, as they would share AWS. A zone is told apart by the access key id of the
 * credentials its role gave (the SigV4 {@code Credential=} scope in the {@code Authorization} header), a region by
 * the same scope. There is no AWS account and no emulator here; the SDK's signing, serialization, retries and
 * waiters are real.
 */
public final class AwsStub implements AutoCloseable {

    public static final String EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    public static final String STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    /** The base identity the tests give the SDK's default chain (system properties): fake, never a real key. */
    public static final String BASE_ACCESS_KEY = "AKIAPATCHFLOWTEST001";
    public static final String BASE_SECRET_KEY = "base-secret-for-the-stand-in-only";

    private final WireMockServer server;

    private AwsStub(WireMockServer server) {
        this.server = server;
    }

    public static AwsStub start() {
        // The request journal stays on: the tests count calls with it.
        WireMockServer server = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().containerThreads(20));
        server.start();
        return new AwsStub(server);
    }

    public WireMockServer server() {
        return server;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /**
     * What a service needs to talk to the stand-in: endpoint overrides, a fake base identity for the SDK's default
     * chain, quick retries, and the landing-zone file.
     */
    public Map<String, String> serviceProperties(Path landingZonesFile) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("patchflow.aws.landing-zones-file", landingZonesFile.toString());
        p.put("patchflow.aws.endpoints.ec2", endpoint().toString());
        p.put("patchflow.aws.endpoints.ssm", endpoint().toString());
        p.put("patchflow.aws.endpoints.sts", endpoint().toString());
        p.put("aws.accessKeyId", BASE_ACCESS_KEY);
        p.put("aws.secretAccessKey", BASE_SECRET_KEY);
        p.put("aws.region", "us-east-1");
        return p;
    }

    /**
     * The real SDK clients of a service, pointed at this stand-in: standard retries with {@code maxAttempts}, the
     * base identity above, role sessions of an hour, refreshed from five minutes before they expire and at the
     * latest one minute before (the SDK's prefetch and stale times).
     */
    public AwsClients clients(int maxAttempts) {
        return clients(maxAttempts, Duration.ofMinutes(1), Duration.ofMinutes(5));
    }

    /** As {@link #clients(int)}, with the role credentials' stale and prefetch times. */
    public AwsClients clients(int maxAttempts, Duration staleTime, Duration prefetchTime) {
        Optional<URI> all = Optional.of(endpoint());
        return new AwsClients(new AwsSettings(null, "standard", maxAttempts, Duration.ofSeconds(30), "us-east-1",
                Duration.ofHours(1), staleTime, prefetchTime, all, all, all),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(BASE_ACCESS_KEY, BASE_SECRET_KEY)));
    }

    @Override
    public void close() {
        server.stop();
    }

    public void reset() {
        server.resetAll();
    }

    // --- STS --------------------------------------------------------------------------------------------------

    /** The one landing zone most tests need: account 250000000001, role {@link #ZONE_ROLE}, eu-west-1, nonprod. */
    public static final String ONE_ZONE = "lz250nonprod";

    /** The role of {@link #ONE_ZONE}. */
    public static final String ZONE_ROLE = "arn:aws:iam::250000000001:role/PatchflowZone";

    /** Writes a landing-zone file holding {@link #ONE_ZONE} into {@code dir}; returns its path. */
    public static Path writeOneZone(Path dir) throws IOException {
        return Files.writeString(dir.resolve("landing-zones.yaml"), """
                landing_zones:
                  lz250nonprod:
                    account_id: "250000000001"
                    role_arn: arn:aws:iam::250000000001:role/PatchflowZone
                    regions: [eu-west-1]
                    environment: nonprod
                """);
    }

    /** AssumeRole of {@code roleArn} gives credentials with {@code accessKeyId}, expiring at {@code expiration}. */
    public void assumeRole(String roleArn, String accessKeyId, Instant expiration) {
        server.stubFor(sts("AssumeRole").withRequestBody(containing(form("RoleArn", roleArn)))
                .willReturn(xml(200, "<AssumeRoleResponse xmlns=\"" + STS_NS + "\"><AssumeRoleResult><Credentials>"
                        + el("AccessKeyId", accessKeyId) + el("SecretAccessKey", "secret-of-" + accessKeyId)
                        + el("SessionToken", "session-token-of-" + accessKeyId)
                        + el("Expiration", expiration.truncatedTo(ChronoUnit.SECONDS).toString())
                        + "</Credentials><AssumedRoleUser>" + el("AssumedRoleId", "AROA" + accessKeyId + ":patchflow")
                        + el("Arn", roleArn.replace(":role/", ":assumed-role/").replace(":iam:", ":sts:"))
                        + "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata>"
                        + el("RequestId", UUID.randomUUID().toString())
                        + "</ResponseMetadata></AssumeRoleResponse>")));
    }

    /** AssumeRole of {@code roleArn} is refused: {@code AccessDenied}, 403, as STS answers. */
    public void denyAssumeRole(String roleArn) {
        server.stubFor(sts("AssumeRole").withRequestBody(containing(form("RoleArn", roleArn)))
                .willReturn(xml(403, "<ErrorResponse xmlns=\"" + STS_NS + "\"><Error><Type>Sender</Type>"
                        + el("Code", "AccessDenied")
                        + el("Message", "User: arn:aws:iam::111111111111:user/patchflow is not authorized to perform:"
                                + " sts:AssumeRole on resource: " + roleArn)
                        + "</Error>" + el("RequestId", UUID.randomUUID().toString()) + "</ErrorResponse>")));
    }

    public int assumeRoleCalls(String roleArn) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
                .withRequestBody(containing(form("RoleArn", roleArn)))).size();
    }

    // --- EC2 ------------------------------------------------------------------------------------------------

    /** An EC2 instance as DescribeInstances returns it. */
    public record Instance(String id, String name, String state, String privateIp, String availabilityZone,
            String instanceType, String architecture, String platformDetails, Map<String, String> tags) {

        public Instance {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        public Instance withState(String newState) {
            return new Instance(id, name, newState, privateIp, availabilityZone, instanceType, architecture,
                    platformDetails, tags);
        }

        String xml() {
            Map<String, String> allTags = new LinkedHashMap<>();
            if (name != null) {
                allTags.put("Name", name);
            }
            allTags.putAll(tags);
            return "<item>" + el("instanceId", id) + el("imageId", "ami-0source00000000001")
                    + "<instanceState>" + el("code", stateCode(state)) + el("name", state) + "</instanceState>"
                    + el("privateIpAddress", privateIp) + el("instanceType", instanceType)
                    + "<placement>" + el("availabilityZone", availabilityZone) + "</placement>"
                    + el("architecture", architecture) + el("platformDetails", platformDetails)
                    + ("Windows".equalsIgnoreCase(platformDetails) ? el("platform", "windows") : "") + tagSet(allTags)
                    + "</item>";
        }
    }

    static String stateCode(String state) {
        return switch (state) {
            case "pending" -> "0";
            case "running" -> "16";
            case "shutting-down" -> "32";
            case "terminated" -> "48";
            case "stopping" -> "64";
            default -> "80";
        };
    }

    /**
     * DescribeInstances of {@code accessKeyId}'s zone in {@code region} (the scan: filters, no instance ids) answers
     * {@code instances}, {@code pageSize} per page with a {@code NextToken} between pages.
     */
    public void describeInstances(String accessKeyId, String region, List<Instance> instances, int pageSize) {
        List<List<Instance>> pages = new ArrayList<>();
        for (int i = 0; i < Math.max(1, instances.size()); i += pageSize) {
            pages.add(instances.subList(Math.min(i, instances.size()), Math.min(i + pageSize, instances.size())));
        }
        for (int p = 0; p < pages.size(); p++) {
            String token = p + 1 < pages.size() ? "page-" + (p + 2) + "-" + accessKeyId : null;
            MappingBuilder mapping = ec2(accessKeyId, region, "DescribeInstances")
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.notContaining("InstanceId.1="));
            mapping = p == 0
                    ? mapping.withRequestBody(
                            com.github.tomakehurst.wiremock.client.WireMock.notContaining("NextToken="))
                    : mapping.withRequestBody(containing(form("NextToken", "page-" + (p + 1) + "-" + accessKeyId)));
            server.stubFor(mapping.willReturn(xml(200, describeInstancesXml(pages.get(p), token))));
        }
    }

    /** The first DescribeInstances of the zone's region is throttled ({@code RequestLimitExceeded}), then answered. */
    public void throttleFirstDescribeInstances(String accessKeyId, String region) {
        String scenario = "throttle-" + accessKeyId + "-" + region;
        server.stubFor(ec2(accessKeyId, region, "DescribeInstances").atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled-once")
                .willReturn(ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.")));
    }

    /** Every {@code action} call with {@code accessKeyId}'s credentials answers this EC2 error, before other stubs. */
    public void ec2Fails(String accessKeyId, String action, int status, String code, String message) {
        server.stubFor(ec2(accessKeyId, null, action).atPriority(1).willReturn(ec2Error(status, code, message)));
    }

    public static String describeInstancesXml(List<Instance> instances, String nextToken) {
        String reservations = instances.isEmpty()
                ? "<reservationSet/>"
                : "<reservationSet>" + instances.stream()
                        .map(i -> "<item>" + el("reservationId", "r-" + i.id().substring(2)) + el("ownerId", "0")
                                + "<instancesSet>" + i.xml() + "</instancesSet></item>")
                        .collect(Collectors.joining()) + "</reservationSet>";
        return "<DescribeInstancesResponse xmlns=\"" + EC2_NS + "\">" + el("requestId", UUID.randomUUID().toString())
                + reservations + (nextToken == null ? "" : el("nextToken", nextToken)) + "</DescribeInstancesResponse>";
    }

    /**
     * DescribeInstances of one instance by id (the SDK's instanceRunning/instanceStopped waiters) answers each of
     * {@code states} in turn, the last one from then on.
     */
    public void instanceStates(String accessKeyId, Instance instance, String... states) {
        String scenario = "states-" + instance.id();
        for (int i = 0; i < states.length; i++) {
            MappingBuilder mapping = ec2(accessKeyId, null, "DescribeInstances")
                    .withRequestBody(containing(form("InstanceId.1", instance.id())));
            if (states.length > 1) {
                mapping = step(mapping, scenario, i == 0 ? Scenario.STARTED : "s" + i,
                        i + 1 < states.length ? "s" + (i + 1) : null);
            }
            server.stubFor(mapping.willReturn(xml(200, describeInstancesXml(List.of(instance.withState(states[i])),
                    null))));
        }
    }

    /** StartInstances / StopInstances of the instance succeed (EC2 answers the state change). */
    public void powerActions(String accessKeyId, String instanceId) {
        for (String[] action : new String[][]{{"StartInstances", "pending", "stopped"},
                {"StopInstances", "stopping", "running"}}) {
            server.stubFor(ec2(accessKeyId, null, action[0]).withRequestBody(containing(form("InstanceId.1",
                    instanceId))).willReturn(xml(200, "<" + action[0] + "Response xmlns=\"" + EC2_NS + "\">"
                            + el("requestId", UUID.randomUUID().toString()) + "<instancesSet><item>"
                            + el("instanceId", instanceId) + "<currentState>" + el("code", stateCode(action[1]))
                            + el("name", action[1]) + "</currentState><previousState>"
                            + el("code", stateCode(action[2])) + el("name", action[2])
                            + "</previousState></item></instancesSet></" + action[0] + "Response>")));
        }
    }

    /**
     * The instance's power state as EC2 keeps it: DescribeInstances by its id answers {@code instance.state()} until
     * StartInstances (then {@code running}) or StopInstances (then {@code stopped}), which both succeed. For a whole
     * run, where the runner starts an instance, the validator finds it running and the runner stops it again, in an
     * order the test does not drive.
     */
    public void powerStates(String accessKeyId, Instance instance) {
        String scenario = "power-" + instance.id();
        for (String state : List.of(Scenario.STARTED, "running", "stopped")) {
            server.stubFor(ec2(accessKeyId, null, "DescribeInstances")
                    .withRequestBody(containing(form("InstanceId.1", instance.id()))).inScenario(scenario)
                    .whenScenarioStateIs(state).willReturn(xml(200, describeInstancesXml(List.of(instance.withState(
                            Scenario.STARTED.equals(state) ? instance.state() : state)), null))));
        }
        for (String[] action : new String[][]{{"StartInstances", "pending", "stopped", "running"},
                {"StopInstances", "stopping", "running", "stopped"}}) {
            server.stubFor(ec2(accessKeyId, null, action[0]).withRequestBody(containing(form("InstanceId.1",
                    instance.id()))).inScenario(scenario).willSetStateTo(action[3])
                    .willReturn(xml(200, "<" + action[0] + "Response xmlns=\"" + EC2_NS + "\">"
                            + el("requestId", UUID.randomUUID().toString()) + "<instancesSet><item>"
                            + el("instanceId", instance.id()) + "<currentState>" + el("code", stateCode(action[1]))
                            + el("name", action[1]) + "</currentState><previousState>"
                            + el("code", stateCode(action[2])) + el("name", action[2])
                            + "</previousState></item></instancesSet></" + action[0] + "Response>")));
        }
    }

    /** An AMI as DescribeImages returns it. */
    public record Image(String imageId, String state, Instant creationDate, List<String> snapshotIds,
            Map<String, String> tags, String stateReason) {

        public Image {
            snapshotIds = snapshotIds == null ? List.of() : List.copyOf(snapshotIds);
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        public Image inState(String newState, String reason) {
            return new Image(imageId, newState, creationDate, snapshotIds, tags, reason);
        }

        String xml() {
            return "<item>" + el("imageId", imageId) + el("imageState", state)
                    + el("creationDate", creationDate.truncatedTo(ChronoUnit.MILLIS).toString())
                    + el("name", "patchflow-" + imageId) + el("imageOwnerId", "0") + "<blockDeviceMapping>"
                    + snapshotIds.stream().map(s -> "<item>" + el("deviceName", "/dev/xvd" + s.charAt(s.length() - 1))
                            + "<ebs>" + el("snapshotId", s) + "</ebs></item>").collect(Collectors.joining())
                    + "</blockDeviceMapping>" + tagSet(new LinkedHashMap<>(tags))
                    + (stateReason == null
                            ? ""
                            : "<stateReason>" + el("code", "Client.Error")
                                    + el("message", stateReason) + "</stateReason>")
                    + "</item>";
        }
    }

    public static String describeImagesXml(List<Image> images) {
        return "<DescribeImagesResponse xmlns=\"" + EC2_NS + "\">" + el("requestId", UUID.randomUUID().toString())
                + (images.isEmpty()
                        ? "<imagesSet/>"
                        : "<imagesSet>" + images.stream().map(Image::xml).collect(Collectors.joining())
                                + "</imagesSet>")
                + "</DescribeImagesResponse>";
    }

    /**
     * The AMI lifecycle of one instance: before CreateImage, DescribeImages by the run and target tags finds
     * nothing; CreateImage answers {@code image.imageId()}; then DescribeImages answers the image in each of
     * {@code states} in turn (e.g. pending, available), the last one from then on.
     */
    public void imageLifecycle(String accessKeyId, String instanceId, Image image, String... states) {
        String scenario = "image-" + instanceId;
        server.stubFor(ec2(accessKeyId, null, "DescribeImages").withRequestBody(containing(encode(instanceId)))
                .inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(xml(200, describeImagesXml(List.of()))));
        server.stubFor(ec2(accessKeyId, null, "CreateImage").withRequestBody(containing(form("InstanceId",
                instanceId))).inScenario(scenario).willSetStateTo("created-0")
                .willReturn(xml(200, "<CreateImageResponse xmlns=\"" + EC2_NS + "\">"
                        + el("requestId", UUID.randomUUID().toString()) + el("imageId", image.imageId())
                        + "</CreateImageResponse>")));
        for (int i = 0; i < states.length; i++) {
            MappingBuilder lookup = ec2(accessKeyId, null, "DescribeImages")
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matching("(?s).*("
                            + java.util.regex.Pattern.quote(encode(instanceId)) + "|"
                            + java.util.regex.Pattern.quote(image.imageId()) + ").*"));
            // Either by the run/target tags (a redelivery looking for an earlier image) or by image id (the waiter).
            server.stubFor(step(lookup, scenario, "created-" + i,
                    i + 1 < states.length ? "created-" + (i + 1) : null)
                    .willReturn(xml(200, describeImagesXml(List.of(image.inState(states[i],
                            "failed".equals(states[i]) ? "snapshot creation failed: InternalError" : null))))));
        }
    }

    /** DescribeImages owned by the zone (the retention sweeper's listing) answers {@code images}. */
    public void ownedImages(String accessKeyId, String region, List<Image> images) {
        server.stubFor(ec2(accessKeyId, region, "DescribeImages").withRequestBody(containing(form("Owner.1", "self")))
                .willReturn(xml(200, describeImagesXml(images))));
    }

    /** DescribeSnapshots (with the managed-tag filter) answers these ids as Patchflow's. */
    public void managedSnapshots(String accessKeyId, List<String> snapshotIds) {
        server.stubFor(ec2(accessKeyId, null, "DescribeSnapshots").willReturn(xml(200, "<DescribeSnapshotsResponse"
                + " xmlns=\"" + EC2_NS + "\">" + el("requestId", UUID.randomUUID().toString())
                + (snapshotIds.isEmpty()
                        ? "<snapshotSet/>"
                        : "<snapshotSet>" + snapshotIds.stream()
                                .map(s -> "<item>" + el("snapshotId", s) + el("status", "completed") + tagSet(Map.of(
                                        "patchflow:managed", "true")) + "</item>")
                                .collect(Collectors.joining())
                                + "</snapshotSet>")
                + "</DescribeSnapshotsResponse>")));
    }

    /** DeregisterImage, DeleteSnapshot: succeed (and their DryRun asks answer {@code DryRunOperation}). */
    public void deletions(String accessKeyId) {
        for (String action : List.of("DeregisterImage", "DeleteSnapshot")) {
            server.stubFor(ec2(accessKeyId, null, action).atPriority(1).withRequestBody(containing(form("DryRun",
                    "true"))).willReturn(ec2Error(412, "DryRunOperation",
                            "Request would have succeeded, but DryRun flag is set.")));
            server.stubFor(ec2(accessKeyId, null, action).atPriority(5).willReturn(xml(200, "<" + action
                    + "Response xmlns=\"" + EC2_NS + "\">" + el("requestId", UUID.randomUUID().toString())
                    + el("return", "true") + "</" + action + "Response>")));
        }
    }

    public int ec2Calls(String action) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action
                + "&"))).size();
    }

    /** EC2 calls of {@code action} whose body contains every one of {@code fragments} (form-encoded pairs). */
    public List<String> ec2Bodies(String action) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action
                + "&"))).stream().map(r -> r.getBodyAsString()).toList();
    }

    // --- SSM ------------------------------------------------------------------------------------------------

    /** SSM's view of a managed instance. */
    public record SsmInfo(String instanceId, String pingStatus, String agentVersion, String platformType,
            String platformName) {

        String json() {
            return "{\"InstanceId\":\"" + instanceId + "\",\"PingStatus\":\"" + pingStatus + "\",\"AgentVersion\":\""
                    + agentVersion + "\",\"PlatformType\":\"" + platformType + "\",\"PlatformName\":\""
                    + platformName + "\",\"LastPingDateTime\":" + Instant.now().getEpochSecond() + "}";
        }
    }

    /** DescribeInstanceInformation of the zone's region answers {@code infos} (one page). */
    public void instanceInformation(String accessKeyId, String region, List<SsmInfo> infos) {
        server.stubFor(ssm(accessKeyId, region, "DescribeInstanceInformation").willReturn(json(200,
                "{\"InstanceInformationList\":[" + infos.stream().map(SsmInfo::json).collect(Collectors.joining(","))
                        + "]}")));
    }

    /**
     * DescribeInstanceInformation filtered on one instance (the SSM Online wait and check) answers each of
     * {@code pingStatuses} in turn; {@code null} means "not registered".
     */
    public void pingStatuses(String accessKeyId, String instanceId, String... pingStatuses) {
        String scenario = "ping-" + instanceId;
        for (int i = 0; i < pingStatuses.length; i++) {
            MappingBuilder mapping = ssm(accessKeyId, null, "DescribeInstanceInformation").atPriority(2)
                    .withRequestBody(containing("\"" + instanceId + "\""));
            if (pingStatuses.length > 1) {
                mapping = step(mapping, scenario, i == 0 ? Scenario.STARTED : "p" + i,
                        i + 1 < pingStatuses.length ? "p" + (i + 1) : null);
            }
            String status = pingStatuses[i];
            server.stubFor(mapping.willReturn(json(200, status == null
                    ? "{\"InstanceInformationList\":[]}"
                    : "{\"InstanceInformationList\":[" + new SsmInfo(instanceId, status, "3.3.1142.0", "Linux",
                            "Amazon Linux").json() + "]}")));
        }
    }

    /**
     * SendCommand to the instance answers {@code commandId}; GetCommandInvocation then answers each of
     * {@code statusDetails} in turn (SSM's detailed statuses: Pending, InProgress, Delayed, Success, Failed,
     * DeliveryTimedOut, ExecutionTimedOut, Undeliverable, Terminated, Cancelled), the last from then on.
     * ListCommands (adoption after a crash before the id was recorded) finds nothing unless {@link #listedCommand}.
     */
    public void command(String accessKeyId, String instanceId, String commandId, String... statusDetails) {
        String scenario = "command-" + instanceId;
        server.stubFor(ssm(accessKeyId, null, "SendCommand").withRequestBody(containing("\"" + instanceId + "\""))
                .willReturn(json(200, "{\"Command\":{\"CommandId\":\"" + commandId
                        + "\",\"DocumentName\":\"AWS-RunPatchBaseline\",\"Status\":\"Pending\",\"InstanceIds\":[\""
                        + instanceId + "\"]}}")));
        server.stubFor(ssm(accessKeyId, null, "ListCommands").withRequestBody(containing("\"" + instanceId + "\""))
                .willReturn(json(200, "{\"Commands\":[]}")));
        for (int i = 0; i < statusDetails.length; i++) {
            MappingBuilder mapping = ssm(accessKeyId, null, "GetCommandInvocation")
                    .withRequestBody(containing("\"" + commandId + "\""));
            if (statusDetails.length > 1) {
                mapping = step(mapping, scenario, i == 0 ? Scenario.STARTED : "c" + i,
                        i + 1 < statusDetails.length ? "c" + (i + 1) : null);
            }
            server.stubFor(mapping.willReturn(json(200, invocationJson(commandId, instanceId, statusDetails[i]))));
        }
    }

    /** GetCommandInvocation of the command answers {@code statusDetail} from now on (a test moves a command on). */
    public void commandNowIs(String commandId, String instanceId, String statusDetail) {
        server.stubFor(ssm(null, null, "GetCommandInvocation").atPriority(1)
                .withRequestBody(containing("\"" + commandId + "\""))
                .willReturn(json(200, invocationJson(commandId, instanceId, statusDetail))));
    }

    /** SSM's Status for a StatusDetails value, as GetCommandInvocation reports both. */
    public static String statusOf(String statusDetail) {
        return switch (statusDetail) {
            case "DeliveryTimedOut", "ExecutionTimedOut" -> "TimedOut";
            case "Undeliverable", "Terminated", "InvalidPlatform", "AccessDenied" -> "Failed";
            default -> statusDetail;
        };
    }

    static String invocationJson(String commandId, String instanceId, String statusDetail) {
        boolean done = !List.of("Pending", "InProgress", "Delayed").contains(statusDetail);
        int code = "Success".equals(statusDetail) ? 0 : done ? 1 : -1;
        String out = "Success".equals(statusDetail)
                ? "Installed 12 patches, 1 needs a reboot\\nPatch baseline operation Install completed"
                : done ? "Patch operation ended: " + statusDetail : "";
        return "{\"CommandId\":\"" + commandId + "\",\"InstanceId\":\"" + instanceId
                + "\",\"DocumentName\":\"AWS-RunPatchBaseline\",\"Status\":\"" + statusOf(statusDetail)
                + "\",\"StatusDetails\":\"" + statusDetail + "\",\"ResponseCode\":" + code
                + ",\"StandardOutputContent\":\"" + out + "\",\"StandardErrorContent\":\"\"}";
    }

    /** DescribeInstancePatchStates of the instance answers these counts. */
    public void patchState(String accessKeyId, String instanceId, int missing, int failed, int pendingReboot) {
        server.stubFor(ssm(accessKeyId, null, "DescribeInstancePatchStates").withRequestBody(containing("\""
                + instanceId + "\"")).willReturn(json(200, "{\"InstancePatchStates\":[{\"InstanceId\":\""
                        + instanceId + "\",\"PatchGroup\":\"\",\"BaselineId\":\"pb-0123456789abcdef0\","
                        + "\"Operation\":\"Install\",\"OperationStartTime\":" + Instant.now().getEpochSecond()
                        + ",\"OperationEndTime\":" + Instant.now().getEpochSecond() + ",\"InstalledCount\":12,"
                        + "\"MissingCount\":" + missing + ",\"FailedCount\":" + failed
                        + ",\"InstalledPendingRebootCount\":" + pendingReboot + ",\"NotApplicableCount\":3}]}")));
    }

    public List<String> ssmBodies(String operation) {
        return server.findAll(postRequestedFor(urlPathEqualTo("/")).withHeader("X-Amz-Target",
                equalTo("AmazonSSM." + operation))).stream().map(r -> r.getBodyAsString()).toList();
    }

    public int ssmCalls(String operation) {
        return ssmBodies(operation).size();
    }

    /** Every request the stand-in received, for "nothing was sent to AWS" assertions. */
    public int totalRequests() {
        return server.getAllServeEvents().size();
    }

    public RequestPatternBuilder anyAwsCall() {
        return postRequestedFor(urlPathEqualTo("/"));
    }

    // --- wire-format helpers ----------------------------------------------------------------------------------

    /** One step of a WireMock scenario: matches in state {@code from}, moves to {@code to} (null: stays). */
    private static MappingBuilder step(MappingBuilder mapping, String scenario, String from, String to) {
        com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder s = mapping.inScenario(scenario)
                .whenScenarioStateIs(from);
        return to == null ? s : s.willSetStateTo(to);
    }

    private static MappingBuilder sts(String action) {
        return post(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action + "&"))
                .withHeader("Authorization", containing("/sts/aws4_request"));
    }

    private static MappingBuilder ec2(String accessKeyId, String region, String action) {
        MappingBuilder m = post(urlPathEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
        return scoped(m, accessKeyId, region, "ec2");
    }

    private static MappingBuilder ssm(String accessKeyId, String region, String operation) {
        MappingBuilder m = post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM." + operation));
        return scoped(m, accessKeyId, region, "ssm");
    }

    /** SigV4: {@code Credential=<access key id>/<date>/<region>/<service>/aws4_request}. */
    private static MappingBuilder scoped(MappingBuilder m, String accessKeyId, String region, String service) {
        // One matcher per header: WireMock keeps only the last withHeader of a name.
        return m.withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.matching(".*Credential="
                + (accessKeyId == null ? "[^/]+" : java.util.regex.Pattern.quote(accessKeyId)) + "/[0-9]{8}/"
                + (region == null ? "[^/]+" : java.util.regex.Pattern.quote(region)) + "/" + service
                + "/aws4_request.*"));
    }

    public static ResponseDefinitionBuilder ec2Error(int status, String code, String message) {
        return xml(status, "<Response><Errors><Error>" + el("Code", code) + el("Message", message)
                + "</Error></Errors>" + el("RequestID", UUID.randomUUID().toString()) + "</Response>");
    }

    public static ResponseDefinitionBuilder ssmError(int status, String type, String message) {
        return json(status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    static ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml;charset=UTF-8")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
    }

    static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
    }

    static String tagSet(Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "";
        }
        return "<tagSet>" + tags.entrySet().stream()
                .map(t -> "<item>" + el("key", t.getKey()) + el("value", t.getValue()) + "</item>")
                .collect(Collectors.joining()) + "</tagSet>";
    }

    static String el(String name, String value) {
        return value == null ? "" : "<" + name + ">" + escape(value) + "</" + name + ">";
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** A form-encoded {@code name=value} pair as the SDK's query protocol writes it. */
    public static String form(String name, String value) {
        return name + "=" + encode(value);
    }

    static String encode(String value) {
        return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
