package dev.patchflow.aws;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How the services talk to AWS, as plain values ({@code patchflow.aws.*}).
 *
 * @param landingZonesFile the landing-zone file ({@link LandingZones})
 * @param retryMode the SDK's retry mode: {@code standard}, {@code adaptive} or {@code legacy}; throttling
 *        ({@code RequestLimitExceeded}, {@code ThrottlingException}) is retried by it, with its backoff
 * @param maxAttempts attempts per call, the first included
 * @param apiCallTimeout one call, all retries included
 * @param stsRegion where STS is called (its regional endpoint)
 * @param sessionDuration how long an assumed-role session lasts
 * @param staleTime the SDK refreshes credentials synchronously this long before they expire
 * @param prefetchTime and asynchronously (by the first caller) from this long before
 * @param ec2Endpoint endpoint override (tests: the AWS stand-in); empty: AWS's
 * @param ssmEndpoint endpoint override
 * @param stsEndpoint endpoint override
 */
public record AwsSettings(Path landingZonesFile, String retryMode, int maxAttempts, Duration apiCallTimeout,
        String stsRegion, Duration sessionDuration, Duration staleTime, Duration prefetchTime,
        Optional<URI> ec2Endpoint, Optional<URI> ssmEndpoint, Optional<URI> stsEndpoint) {
}
