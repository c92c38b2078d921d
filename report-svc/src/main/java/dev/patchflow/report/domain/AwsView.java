package dev.patchflow.report.domain;

import dev.patchflow.schemas.events.Target;

/**
 * What the {@code aws-ec2} inventory saw of an instance (seed 004's inventory columns), as every event of the
 * target carries it: instance, account, region, zone, type, platform, private IP, the power state it was scanned in
 * and its SSM agent's status. {@code null} on a target of another kind.
 *
 * @param initialState the power state when scanned, e.g. {@code running}, {@code stopped}
 * @param ssmStatus the SSM agent's ping status: {@code Online}, {@code ConnectionLost}, {@code Inactive},
 *        {@code NotManaged}
 */
public record AwsView(String instanceId, String accountId, String region, String availabilityZone,
        String instanceType, String platform, String platformName, String arch, String privateIp, String initialState,
        String ssmStatus, String ssmAgentVersion) {

    /** The target's EC2 facts, {@code null} when it is not an EC2 instance. */
    public static AwsView of(Target target) {
        if (target == null || target.aws() == null) {
            return null;
        }
        var aws = target.aws();
        return new AwsView(aws.instanceId(), aws.accountId(), aws.region(), aws.availabilityZone(),
                aws.instanceType(), target.platform(), aws.platformName(), target.arch(), target.address(),
                target.state(), aws.ssmPingStatus(), aws.ssmAgentVersion());
    }
}
