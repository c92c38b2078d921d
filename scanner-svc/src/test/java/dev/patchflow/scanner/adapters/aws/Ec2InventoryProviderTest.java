package dev.patchflow.scanner.adapters.aws;

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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.aws.testing.AwsStub.Instance;
import dev.patchflow.aws.testing.AwsStub.SsmInfo;
import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.Discovery;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.schemas.events.AwsOptions;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.schemas.events.ZoneError;

/** The aws-ec2 provider with the real SDK clients against the AWS stand-in. */
class Ec2InventoryProviderTest {

    static final String LZ_FILE = """
            landing_zones:
              lz250nonprod:
                account_id: "250000000001"
                role_arn: arn:aws:iam::250000000001:role/PatchflowZone
                regions: [eu-west-1, eu-central-1]
                environment: nonprod
              cmsnonprod:
                account_id: "250000000002"
                role_arn: arn:aws:iam::250000000002:role/PatchflowZone
                regions: [eu-west-1]
                environment: nonprod
            """;

    private static AwsStub aws;
    private static AwsClients clients;

    @TempDir
    Path dir;
    private Path lzFile;
    private Ec2InventoryProvider provider;

    @BeforeAll
    static void start() {
        aws = AwsStub.start();
        clients = aws.clients(4);
    }

    @AfterAll
    static void stop() {
        clients.close();
        aws.close();
    }

    @BeforeEach
    void setUp() throws IOException {
        aws.reset();
        lzFile = Files.writeString(dir.resolve("landing-zones.yaml"), LZ_FILE);
        provider = new Ec2InventoryProvider(new LandingZoneSource(Optional.of(lzFile)), clients, config());
    }

    static ScannerConfig.Aws config() {
        return new ScannerConfig.Aws() {

            public String environmentTag() {
                return "Environment";
            }

            public List<String> instanceStates() {
                return List.of("pending", "running", "stopping", "stopped");
            }

            public int pageSize() {
                return 5;
            }

            public int parallelism() {
                return 2;
            }

            public Duration scanTimeout() {
                return Duration.ofMinutes(1);
            }
        };
    }

    static Instance instance(int n, String state) {
        return new Instance(String.format("i-0%016x", n), "web-" + n, state, "10.20.1." + n, "eu-west-1a",
                "t3.medium", "x86_64", "Linux/UNIX", Map.of("Environment", "nonprod"));
    }

    static RunContext run(String runId, List<String> zones, String environment) {
        return new RunContext(runId, Instant.parse("2026-11-20T09:00:00Z"), "alice",
                new PatchSpec("AWS-RunPatchBaseline", runId, "ssm", null, null, null),
                new TargetSelector("aws-ec2", null, environment, zones, null),
                new RunOptions(false, Phases.SCANNER_ONLY, null, null, AwsOptions.DEFAULTS));
    }

    @Test
    void scansEveryRegionOfEveryZoneThroughAllPagesWithSsmStatus() {
        aws.assumeRole("arn:aws:iam::250000000001:role/PatchflowZone", "ASIALZ250", Instant.now().plusSeconds(3600));
        aws.assumeRole("arn:aws:iam::250000000002:role/PatchflowZone", "ASIACMS", Instant.now().plusSeconds(3600));
        List<Instance> many = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            many.add(instance(i, i % 3 == 0 ? "stopped" : "running"));
        }
        aws.describeInstances("ASIALZ250", "eu-west-1", many, 5);
        aws.describeInstances("ASIALZ250", "eu-central-1", List.of(), 5);
        aws.describeInstances("ASIACMS", "eu-west-1", List.of(instance(100, "running")), 5);
        aws.instanceInformation("ASIALZ250", "eu-west-1", List.of(new SsmInfo(instance(1, "").id(), "Online",
                "3.3.1142.0", "Linux", "Amazon Linux")));
        aws.instanceInformation("ASIACMS", "eu-west-1", List.of());

        Discovery found = provider.discover(run("r1", List.of(), "nonprod"));

        assertThat(found.zoneErrors()).isEmpty();
        assertThat(found.targets()).hasSize(13);
        Target first = found.targets().stream().filter(t -> t.id().equals(instance(1, "").id())).findFirst()
                .orElseThrow();
        assertThat(first.kind()).isEqualTo(Target.KIND_AWS_EC2);
        assertThat(first.name()).isEqualTo("web-1");
        assertThat(first.landingZone()).isEqualTo("lz250nonprod");
        assertThat(first.environment()).isEqualTo("nonprod");
        assertThat(first.address()).isEqualTo("10.20.1.1");
        assertThat(first.state()).isEqualTo("running");
        assertThat(first.platform()).isEqualTo("Linux/UNIX");
        assertThat(first.arch()).isEqualTo("x86_64");
        assertThat(first.aws().accountId()).isEqualTo("250000000001");
        assertThat(first.aws().region()).isEqualTo("eu-west-1");
        assertThat(first.aws().availabilityZone()).isEqualTo("eu-west-1a");
        assertThat(first.aws().ssmPingStatus()).isEqualTo("Online");
        assertThat(first.aws().ssmAgentVersion()).isEqualTo("3.3.1142.0");
        assertThat(first.aws().platformName()).isEqualTo("Amazon Linux");
        assertThat(found.targets()).filteredOn(t -> t.id().equals(instance(3, "").id())).singleElement()
                .satisfies(t -> {
                    assertThat(t.state()).isEqualTo("stopped");
                    assertThat(t.aws().ssmPingStatus()).isEqualTo("NotManaged");
                });
        // Three pages of five; the filters are server-side.
        List<String> describes = aws.ec2Bodies("DescribeInstances");
        assertThat(describes).hasSize(5);
        assertThat(describes).allSatisfy(b -> assertThat(b).contains("Filter.1.Name=instance-state-name",
                "Filter.2.Name=tag%3AEnvironment", "Filter.2.Value.1=nonprod"));
        assertThat(describes).filteredOn(b -> b.contains("NextToken=")).hasSize(2);
    }

    @Test
    void aZoneWhoseRoleIsDeniedIsReportedAndTheOtherZoneGoesOn() {
        aws.assumeRole("arn:aws:iam::250000000001:role/PatchflowZone", "ASIALZ250", Instant.now().plusSeconds(3600));
        aws.denyAssumeRole("arn:aws:iam::250000000002:role/PatchflowZone");
        aws.describeInstances("ASIALZ250", "eu-west-1", List.of(instance(1, "running")), 5);
        aws.describeInstances("ASIALZ250", "eu-central-1", List.of(instance(2, "running")), 5);
        aws.instanceInformation("ASIALZ250", "eu-west-1", List.of());
        aws.instanceInformation("ASIALZ250", "eu-central-1", List.of());

        Discovery found = provider.discover(run("r2", List.of("lz250nonprod", "cmsnonprod"), null));

        assertThat(found.targets()).extracting(Target::id).containsExactly(instance(1, "").id(),
                instance(2, "").id());
        assertThat(found.zoneErrors()).singleElement().satisfies(e -> {
            assertThat(e.landingZone()).isEqualTo("cmsnonprod");
            assertThat(e.accountId()).isEqualTo("250000000002");
            assertThat(e.region()).isNull();
            assertThat(e.reason()).startsWith("cannot assume role arn:aws:iam::250000000002:role/PatchflowZone:"
                    + " AccessDenied: User: ");
        });
    }

    @Test
    void throttlingIsRetriedAndTheScanSucceeds() {
        aws.assumeRole("arn:aws:iam::250000000002:role/PatchflowZone", "ASIACMS", Instant.now().plusSeconds(3600));
        aws.describeInstances("ASIACMS", "eu-west-1", List.of(instance(7, "running")), 5);
        aws.throttleFirstDescribeInstances("ASIACMS", "eu-west-1");
        aws.instanceInformation("ASIACMS", "eu-west-1", List.of());

        Discovery found = provider.discover(run("r3", List.of("cmsnonprod"), null));

        assertThat(found.zoneErrors()).isEmpty();
        assertThat(found.targets()).hasSize(1);
        assertThat(aws.ec2Calls("DescribeInstances")).isEqualTo(2);
    }

    @Test
    void aRegionThatFailsIsReportedWithItsRegion() {
        aws.assumeRole("arn:aws:iam::250000000001:role/PatchflowZone", "ASIALZ250", Instant.now().plusSeconds(3600));
        aws.describeInstances("ASIALZ250", "eu-west-1", List.of(instance(1, "running")), 5);
        aws.instanceInformation("ASIALZ250", "eu-west-1", List.of());
        aws.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.post("/")
                .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.containing(
                        "/eu-central-1/ec2/"))
                .willReturn(AwsStub.ec2Error(403, "UnauthorizedOperation",
                        "You are not authorized to perform this operation.")));

        Discovery found = provider.discover(run("r4", List.of("lz250nonprod"), null));

        assertThat(found.targets()).hasSize(1);
        assertThat(found.zoneErrors()).containsExactly(new ZoneError("lz250nonprod", "250000000001", "eu-central-1",
                "UnauthorizedOperation: You are not authorized to perform this operation."));
    }

    @Test
    void anUnknownZoneIsARejectedRunAndNothingIsSentToAws() {
        assertThatThrownBy(() -> provider.discover(run("r5", List.of("lz999"), null)))
                .isInstanceOf(RejectedRunException.class)
                .hasMessage("unknown landing zone 'lz999' (known: cmsnonprod, lz250nonprod)");
        assertThat(aws.totalRequests()).isZero();
    }

    @Test
    void aMalformedLandingZoneFileIsARejectedRunAndNothingIsSentToAws() throws IOException {
        Files.writeString(lzFile, "landing_zones:\n  lz1: {account_id: \"250000000001\"\n");
        assertThatThrownBy(() -> provider.discover(run("r6", List.of("lz1"), null)))
                .isInstanceOf(RejectedRunException.class)
                .hasMessageStartingWith("landing-zone file " + lzFile + " is not valid YAML (line");
        assertThat(aws.totalRequests()).isZero();
    }

    @Test
    void aRoleArnThatIsNotAnArnIsARejectedRunAndNothingIsSentToAws() throws IOException {
        Files.writeString(lzFile, LZ_FILE.replace("role_arn: arn:aws:iam::250000000002:role/PatchflowZone",
                "role_arn: cms-patching-role"));
        assertThatThrownBy(() -> provider.discover(run("r7", List.of("lz250nonprod"), null)))
                .isInstanceOf(RejectedRunException.class)
                .hasMessageContaining("landing zone 'cmsnonprod': role_arn 'cms-patching-role' is not an IAM role ARN");
        assertThat(aws.totalRequests()).isZero();
    }
}
