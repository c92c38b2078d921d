package dev.patchflow.aws.config;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsSettings;
import dev.patchflow.aws.LandingZoneSource;

/** The AWS client factory and the landing-zone file, for every service that uses this jar. */
@Singleton
public class AwsProducers {

    @Produces
    @Singleton
    AwsSettings awsSettings(AwsConfig config) {
        return new AwsSettings(config.landingZonesFile().orElse(null), config.retryMode(), config.maxAttempts(),
                config.apiCallTimeout(), config.stsRegion(), config.sessionDuration(), config.staleTime(),
                config.prefetchTime(), config.endpoints().ec2(), config.endpoints().ssm(), config.endpoints().sts());
    }

    @Produces
    @Singleton
    AwsClients awsClients(AwsSettings settings) {
        return new AwsClients(settings);
    }

    void close(@Disposes AwsClients clients) {
        clients.close();
    }

    @Produces
    @Singleton
    LandingZoneSource landingZones(AwsConfig config) {
        return new LandingZoneSource(config.landingZonesFile());
    }
}
