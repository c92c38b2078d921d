package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an EC2 instance target is, as the {@code aws-ec2} inventory saw it. The instance's private IP is
 * the target's {@code address}, its power state the target's {@code state}, its landing zone the target's
 * {@code landingZone}.
 *
 * @param accountId the AWS account (of the landing zone) the instance lives in
 * @param region e.g. {@code eu-west-1}
 * @param availabilityZone e.g. {@code eu-west-1a}
 * @param instanceId e.g. {@code i-0abc…}
 * @param instanceType e.g. {@code t3.medium}
 * @param ssmPingStatus SSM agent status: {@code Online}, {@code ConnectionLost}, {@code Inactive}, or {@code NotManaged}
 * @param ssmAgentVersion the SSM agent's version, if managed
 * @param platformName the OS as SSM reports it, e.g. {@code Amazon Linux}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AwsTarget(String accountId, String region, String availabilityZone, String instanceId,
        String instanceType, String ssmPingStatus, String ssmAgentVersion, String platformName) {
}
