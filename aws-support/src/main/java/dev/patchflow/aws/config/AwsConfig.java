package dev.patchflow.aws.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code patchflow.aws.*}: the same keys in every service that talks to AWS. */
@ConfigMapping(prefix = "patchflow.aws")
public interface AwsConfig {

    /** The landing-zone file (YAML); a ConfigMap in Kubernetes. */
    Optional<Path> landingZonesFile();

    /** The SDK's retry mode: {@code standard}, {@code adaptive} or {@code legacy}. */
    @WithDefault("standard")
    String retryMode();

    /** Attempts per call, the first included (throttled calls are retried by the SDK with backoff). */
    @WithDefault("5")
    int maxAttempts();

    /** One API call, every retry included. */
    @WithDefault("2m")
    Duration apiCallTimeout();

    /** The region whose STS endpoint assumes the zones' roles. */
    @WithDefault("us-east-1")
    String stsRegion();

    /** Assumed-role session length (the role's maximum session duration must allow it). */
    @WithDefault("1h")
    Duration sessionDuration();

    /** Credentials are refreshed synchronously this long before they expire. */
    @WithDefault("1m")
    Duration staleTime();

    /** ... and by the first caller from this long before. */
    @WithDefault("5m")
    Duration prefetchTime();

    /** Endpoint overrides, for the AWS stand-in in tests; unset in production. */
    Endpoints endpoints();

    interface Endpoints {

        Optional<URI> ec2();

        Optional<URI> ssm();

        Optional<URI> sts();
    }
}
