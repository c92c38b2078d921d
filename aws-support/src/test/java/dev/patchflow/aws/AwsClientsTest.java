package dev.patchflow.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.aws.testing.AwsStub;
import dev.patchflow.aws.testing.AwsStub.Instance;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real SDK clients of {@link AwsClients} against the AWS stand-in. */
class AwsClientsTest {

    private static AwsStub aws;
    private static final LandingZone ZONE = new LandingZone("lz1", "250000000001",
            "arn:aws:iam::250000000001:role/PatchflowZone", Optional.of("ext-1"), List.of("eu-west-1"), "nonprod");
    private static final Instance WEB = new Instance("i-0a1b2c3d4e5f60718", "web-01", "running", "10.0.0.1",
            "eu-west-1a", "t3.micro", "x86_64", "Linux/UNIX", Map.of());

    @BeforeAll
    static void start() {
        aws = AwsStub.start();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @BeforeEach
    void reset() {
        aws.reset();
    }

    private AwsClients clients() {
        return clients(Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    private AwsClients clients(Duration staleTime, Duration prefetchTime) {
        return aws.clients(4, staleTime, prefetchTime);
    }

    @Test
    void assumedRoleCredentialsAreCachedWhileFarFromExpiry() {
        aws.assumeRole(ZONE.roleArn(), "ASIAZONE1", Instant.now().plus(Duration.ofHours(1)));
        aws.describeInstances("ASIAZONE1", "eu-west-1", List.of(WEB), 10);
        try (AwsClients clients = clients()) {
            for (int i = 0; i < 3; i++) {
                assertThat(clients.ec2(ZONE, "eu-west-1", "run-1").describeInstances().reservations()).hasSize(1);
            }
        }
        assertThat(aws.assumeRoleCalls(ZONE.roleArn())).isEqualTo(1);
        // The session names the run, and the zone's external id is sent to STS.
        assertThat(aws.server().getAllServeEvents().stream().map(e -> e.getRequest().getBodyAsString())
                .filter(b -> b.contains("Action=AssumeRole&")).findFirst().orElseThrow())
                .contains("RoleSessionName=patchflow-run-1", "ExternalId=ext-1");
    }

    @Test
    void credentialsAreRefreshedBeforeTheyExpire() throws InterruptedException {
        // Credentials valid for 8 more seconds, a stale time of 5 s: from 3 s on, the SDK must fetch new ones
        // before answering (the prefetch before that is jittered by the SDK, so it is not what this asserts).
        aws.assumeRole(ZONE.roleArn(), "ASIAZONE1", Instant.now().plus(Duration.ofSeconds(8)));
        aws.describeInstances("ASIAZONE1", "eu-west-1", List.of(WEB), 10);
        try (AwsClients clients = clients(Duration.ofSeconds(5), Duration.ofSeconds(6))) {
            clients.ec2(ZONE, "eu-west-1", "run-2").describeInstances();
            assertThat(aws.assumeRoleCalls(ZONE.roleArn())).isEqualTo(1);
            Thread.sleep(3_500);
            clients.ec2(ZONE, "eu-west-1", "run-2").describeInstances();
        }
        assertThat(aws.assumeRoleCalls(ZONE.roleArn())).isEqualTo(2);
    }

    @Test
    void throttlingIsRetriedByTheSdkRetryStrategy() {
        aws.assumeRole(ZONE.roleArn(), "ASIAZONE1", Instant.now().plus(Duration.ofHours(1)));
        aws.describeInstances("ASIAZONE1", "eu-west-1", List.of(WEB), 10);
        aws.throttleFirstDescribeInstances("ASIAZONE1", "eu-west-1");
        try (AwsClients clients = clients()) {
            assertThat(clients.ec2(ZONE, "eu-west-1", "run-3").describeInstances().reservations()).hasSize(1);
        }
        assertThat(aws.ec2Calls("DescribeInstances")).isEqualTo(2);
    }

    @Test
    void aDeniedRoleSaysSoWithAwsCodeAndMessage() {
        aws.denyAssumeRole(ZONE.roleArn());
        try (AwsClients clients = clients()) {
            assertThatThrownBy(() -> clients.ec2(ZONE, "eu-west-1", "run-4").describeInstances())
                    .satisfies(e -> assertThat(AwsErrors.describe(e)).startsWith(
                            "AccessDenied: User: arn:aws:iam::111111111111:user/patchflow is not authorized"));
        }
        assertThat(aws.ec2Calls("DescribeInstances")).isZero();
    }

    @Test
    void anUnknownRetryModeIsAClearError() {
        AwsSettings bad = new AwsSettings(null, "sometimes", 3, Duration.ofSeconds(5), "us-east-1",
                Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMinutes(5), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> new AwsClients(bad, StaticCredentialsProvider.create(AwsBasicCredentials
                .create("a", "b")))).hasMessageContaining("patchflow.aws.retry-mode 'sometimes'");
    }
}
