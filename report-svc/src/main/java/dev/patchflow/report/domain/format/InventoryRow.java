package dev.patchflow.report.domain.format;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.patchflow.report.domain.AwsReport;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.schemas.events.ZoneError;

/**
 * One CSV row of a {@code --scanner-only} run's report: the inventory (seed 004's phase 1: instance details,
 * environment and landing zone, state, platform, SSM agent status), nothing of the phases that did not run. A zone
 * that could not be scanned is a row after the instances with status {@code ZONE_ERROR} and its reason.
 */
@JsonPropertyOrder({"targetId", "name", "kind", "environment", "landingZone", "accountId", "region",
        "availabilityZone", "instanceId", "instanceType", "platform", "platformName", "arch", "privateIp", "state",
        "ssmStatus", "ssmAgentVersion", "installedVersion", "status", "reason"})
record InventoryRow(String targetId, String name, String kind, String environment, String landingZone,
        String accountId, String region, String availabilityZone, String instanceId, String instanceType,
        String platform, String platformName, String arch, String privateIp, String state, String ssmStatus,
        String ssmAgentVersion, String installedVersion, String status, String reason) {

    /** The status of a scanned target's row. */
    static final String SCANNED = "SCANNED";

    static InventoryRow of(TargetReport t) {
        AwsReport a = t.aws();
        if (a == null) {
            return new InventoryRow(t.targetId(), t.name(), t.kind(), t.environment(), t.landingZone(), null, null,
                    null, null, null, null, null, null, null, null, null, null, t.installedVersion(), SCANNED,
                    t.reason());
        }
        return new InventoryRow(t.targetId(), t.name(), t.kind(), t.environment(), t.landingZone(), a.accountId(),
                a.region(), a.availabilityZone(), a.instanceId(), a.instanceType(), a.platform(), a.platformName(),
                a.arch(), a.privateIp(), a.initialState(), a.ssmStatus(), a.ssmAgentVersion(), t.installedVersion(),
                SCANNED, t.reason());
    }

    static InventoryRow of(ZoneError e) {
        return new InventoryRow(null, null, null, null, e.landingZone(), e.accountId(), e.region(), null, null, null,
                null, null, null, null, null, null, null, null, CsvRow.ZONE_ERROR, e.reason());
    }
}
