package dev.patchflow.validator.adapters.aws;

import dev.patchflow.aws.AwsClients;
import dev.patchflow.aws.AwsErrors;
import dev.patchflow.aws.LandingZone;
import dev.patchflow.aws.LandingZoneSource;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.domain.CheckUnavailableException;
import dev.patchflow.validator.domain.HealthCheck;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The AWS checks' common part: only {@code aws-ec2} targets, the target's zone and region, and every answer of AWS
 * about the target (access denied, no such instance, invalid parameter) turned into a failed check with the
 * reason. AWS being briefly unavailable (throttled, 5xx, no answer, after the SDK's own retries) is not the
 * target's failure: {@link CheckUnavailableException}, so the validation is made again later.
 */
abstract class AwsCheck implements HealthCheck {

    private final LandingZoneSource zones;
    private final AwsClients clients;

    AwsCheck(LandingZoneSource zones, AwsClients clients) {
        this.zones = zones;
        this.clients = clients;
    }

    @Override
    public final CheckResult run(CheckSpec spec, Target target, RunContext run) {
        if (target.aws() == null || target.aws().instanceId() == null) {
            return new CheckResult(spec.name(), spec.type(), false,
                    "target " + target.id() + " is not an EC2 instance (kind " + target.kind() + ")");
        }
        try {
            LandingZone zone = zones.zone(target.landingZone());
            return check(spec, target, run, clients.ec2(zone, target.aws().region(), run.runId()),
                    clients.ssm(zone, target.aws().region(), run.runId()));
        } catch (SdkException e) {
            if (AwsErrors.isTransient(e)) {
                throw new CheckUnavailableException("AWS did not answer the " + spec.type() + " check of "
                        + target.id() + " in " + target.landingZone() + "/" + target.aws().region() + ": "
                        + AwsErrors.describe(e), e);
            }
            return new CheckResult(spec.name(), spec.type(), false, "AWS: " + AwsErrors.describe(e));
        } catch (IllegalStateException | dev.patchflow.aws.LandingZoneException e) {
            return new CheckResult(spec.name(), spec.type(), false, e.getMessage());
        }
    }

    abstract CheckResult check(CheckSpec spec, Target target, RunContext run, Ec2Client ec2, SsmClient ssm);

    static CheckResult result(CheckSpec spec, boolean passed, String detail) {
        return new CheckResult(spec.name(), spec.type(), passed, detail);
    }
}
