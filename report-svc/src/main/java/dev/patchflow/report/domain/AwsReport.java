package dev.patchflow.report.domain;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An EC2 instance's columns of the report (seed 004): its inventory, its AMI restore point (id, creation time,
 * retain-until, snapshots), the power state it was scanned in and the one it is in now, its SSM agent status and the
 * SSM command that patched it. Absent (JSON, XML) or empty (CSV) for targets of other kinds.
 *
 * @param currentState the power state after the run: what {@code PowerStateRestored} says, else what the executor
 *        left it in ({@code details.powerState}), else the scanned state
 * @param powerRestored {@code null} unless the runner restored the power state ({@code PowerStateRestored})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"instanceId", "accountId", "region", "availabilityZone", "instanceType", "platform",
        "platformName", "arch", "privateIp", "ssmStatus", "ssmAgentVersion", "initialState", "currentState",
        "powerRestored", "powerReason", "amiId", "amiCreatedAt", "amiRetainUntil", "snapshotIds", "ssmCommandId"})
public record AwsReport(String instanceId, String accountId, String region, String availabilityZone,
        String instanceType, String platform, String platformName, String arch, String privateIp, String ssmStatus,
        String ssmAgentVersion, String initialState, String currentState, Boolean powerRestored, String powerReason,
        String amiId, String amiCreatedAt, String amiRetainUntil, String snapshotIds, String ssmCommandId) {

    /** The executor's detail that says which power state it left the instance in. */
    static final String POWER_STATE = "powerState";

    /** {@code null} for a target that is not an EC2 instance. */
    public static AwsReport of(TargetView view) {
        AwsView aws = view.aws();
        if (aws == null) {
            return null;
        }
        Map<String, String> ami = view.backup() == null ? Map.of() : view.backup().details();
        Map<String, String> patch = view.patch() == null ? Map.of() : view.patch().details();
        PowerView power = view.power();
        return new AwsReport(aws.instanceId(), aws.accountId(), aws.region(), aws.availabilityZone(),
                aws.instanceType(), aws.platform(), aws.platformName(), aws.arch(), aws.privateIp(), aws.ssmStatus(),
                aws.ssmAgentVersion(), aws.initialState(), view.currentState(),
                power == null ? null : power.restored(), power == null ? null : power.reason(), ami.get("imageId"),
                ami.get("createdAt"), ami.get("retainUntil"), ami.get("snapshotIds"), patch.get("commandId"));
    }
}
