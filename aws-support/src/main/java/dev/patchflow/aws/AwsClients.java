package dev.patchflow.aws;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Builds the AWS clients of one landing zone for one run, and keeps them.
 * <p>
 * The base identity is the SDK's default chain (environment, profile, web identity/IRSA, container or instance
 * profile). Each zone's credentials come from STS AssumeRole through the SDK's
 * {@link StsAssumeRoleCredentialsProvider}, which caches them and refreshes them before they expire; the session
 * name names the run ({@code patchflow-<runId>}), so CloudTrail shows which run did what. Sessions (a provider and
 * its clients) are cached per zone and run, least recently used first out, and closed when evicted.
 * <p>
 * Every client uses one shared URL-connection HTTP client and the configured retry strategy (mode and attempts):
 * throttling is retried by the SDK, never by a loop of ours.
 */
public final class AwsClients implements AutoCloseable {

    private static final Pattern SESSION_NAME_CHARS = Pattern.compile("[^\\w+=,.@-]");
    private static final int MAX_SESSIONS = 64;

    private final AwsSettings settings;
    private final SdkHttpClient http;
    private final AwsCredentialsProvider baseCredentials;
    private final StsClient sts;
    private final Map<String, ZoneSession> sessions = new LinkedHashMap<>(16, 0.75f, true) {

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ZoneSession> eldest) {
            if (size() > MAX_SESSIONS) {
                eldest.getValue().close();
                return true;
            }
            return false;
        }
    };

    public AwsClients(AwsSettings settings) {
        this(settings, DefaultCredentialsProvider.builder().build());
    }

    public AwsClients(AwsSettings settings, AwsCredentialsProvider baseCredentials) {
        this.settings = settings;
        this.baseCredentials = baseCredentials;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        var builder = StsClient.builder()
                .httpClient(http)
                .region(Region.of(settings.stsRegion()))
                .credentialsProvider(baseCredentials)
                .overrideConfiguration(overrides());
        settings.stsEndpoint().ifPresent(builder::endpointOverride);
        this.sts = builder.build();
    }

    public AwsSettings settings() {
        return settings;
    }

    /** EC2 in {@code region} of {@code zone}, as the zone's role, for {@code runId}. */
    public Ec2Client ec2(LandingZone zone, String region, String runId) {
        return session(zone, runId).ec2(region);
    }

    /** SSM in {@code region} of {@code zone}, as the zone's role, for {@code runId}. */
    public SsmClient ssm(LandingZone zone, String region, String runId) {
        return session(zone, runId).ssm(region);
    }

    /** The zone's assumed-role credentials for {@code runId} (cached; refreshed by the SDK before expiry). */
    public AwsCredentialsProvider credentials(LandingZone zone, String runId) {
        return session(zone, runId).credentials;
    }

    private synchronized ZoneSession session(LandingZone zone, String runId) {
        return sessions.computeIfAbsent(zone.name() + "|" + runId, key -> new ZoneSession(zone, runId));
    }

    /** {@code patchflow-<runId>}, reduced to what STS accepts (2–64 characters of {@code [\w+=,.@-]}). */
    public static String sessionName(String runId) {
        String name = "patchflow-" + SESSION_NAME_CHARS.matcher(runId).replaceAll("-");
        return name.length() <= 64 ? name : name.substring(0, 64);
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retryStrategy())
                .apiCallTimeout(settings.apiCallTimeout())
                .build();
    }

    RetryStrategy retryStrategy() {
        RetryMode mode = switch (settings.retryMode().toLowerCase(Locale.ROOT)) {
            case "standard" -> RetryMode.STANDARD;
            case "adaptive" -> RetryMode.ADAPTIVE_V2;
            case "legacy" -> RetryMode.LEGACY;
            default -> throw new IllegalArgumentException("patchflow.aws.retry-mode '" + settings.retryMode()
                    + "' is not one of standard, adaptive, legacy");
        };
        if (settings.maxAttempts() < 1) {
            throw new IllegalArgumentException("patchflow.aws.max-attempts must be at least 1");
        }
        return AwsRetryStrategy.forRetryMode(mode).toBuilder().maxAttempts(settings.maxAttempts()).build();
    }

    @Override
    public synchronized void close() {
        sessions.values().forEach(ZoneSession::close);
        sessions.clear();
        sts.close();
        if (baseCredentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
        http.close();
    }

    /** One zone, one run: its credentials and its clients per region. */
    private final class ZoneSession {

        private final StsAssumeRoleCredentialsProvider credentials;
        private final Map<String, Ec2Client> ec2 = new LinkedHashMap<>();
        private final Map<String, SsmClient> ssm = new LinkedHashMap<>();

        ZoneSession(LandingZone zone, String runId) {
            this.credentials = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(request -> {
                        request.roleArn(zone.roleArn())
                                .roleSessionName(sessionName(runId))
                                .durationSeconds((int) settings.sessionDuration().toSeconds());
                        zone.externalId().ifPresent(request::externalId);
                    })
                    .staleTime(settings.staleTime())
                    .prefetchTime(settings.prefetchTime())
                    // Refresh on the calling thread: no background threads per zone and run.
                    .asyncCredentialUpdateEnabled(false)
                    .build();
        }

        synchronized Ec2Client ec2(String region) {
            return ec2.computeIfAbsent(region, r -> build(Ec2Client.builder(), r, settings.ec2Endpoint()));
        }

        synchronized SsmClient ssm(String region) {
            return ssm.computeIfAbsent(region, r -> build(SsmClient.builder(), r, settings.ssmEndpoint()));
        }

        private <C, B extends software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>> C build(
                B builder, String region, Optional<java.net.URI> endpoint) {
            builder.httpClient(http).region(Region.of(region)).credentialsProvider(credentials)
                    .overrideConfiguration(overrides());
            endpoint.ifPresent(builder::endpointOverride);
            return builder.build();
        }

        synchronized void close() {
            ec2.values().forEach(Ec2Client::close);
            ssm.values().forEach(SsmClient::close);
            credentials.close();
        }
    }

    /** For tests and tools: applies {@code f} to a fresh client set and closes it. */
    public static <T> T with(AwsSettings settings, AwsCredentialsProvider base, Function<AwsClients, T> f) {
        try (AwsClients clients = new AwsClients(settings, base)) {
            return f.apply(clients);
        }
    }
}
