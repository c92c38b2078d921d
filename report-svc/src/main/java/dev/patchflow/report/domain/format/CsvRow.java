package dev.patchflow.report.domain.format;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.patchflow.report.domain.AwsReport;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.schemas.events.ZoneError;

/**
 * One CSV row per target; the property order is the column order. The columns after {@code details} are an EC2
 * instance's (seed 004: instance, account, region, zone, type, platform, IP, SSM status, initial and current power
 * state, AMI id with creation time and retain-until, SSM command), empty for other kinds. A landing zone (or region)
 * the scanner could not scan is one row after the targets: no target id, status {@code ZONE_ERROR}, the zone,
 * account, region and the reason.
 */
@JsonPropertyOrder({"targetId", "name", "kind", "environment", "landingZone", "installedVersion", "status", "phase",
        "backupStatus", "backupLocation", "backupSha256", "backupSizeBytes", "patchStatus", "patchExitCode",
        "patchDurationMs", "patchOutputLocation", "validationStatus", "failedChecks", "reason", "details",
        "instanceId", "accountId", "region", "availabilityZone", "instanceType", "platform", "privateIp", "ssmStatus",
        "ssmAgentVersion", "initialState", "currentState", "powerRestored", "amiId", "amiCreatedAt",
        "amiRetainUntil", "ssmCommandId"})
record CsvRow(String targetId, String name, String kind, String environment, String landingZone,
        String installedVersion, String status, String phase, String backupStatus, String backupLocation,
        String backupSha256, Long backupSizeBytes, String patchStatus, Integer patchExitCode, Long patchDurationMs,
        String patchOutputLocation, String validationStatus, String failedChecks, String reason, String details,
        String instanceId, String accountId, String region, String availabilityZone, String instanceType,
        String platform, String privateIp, String ssmStatus, String ssmAgentVersion, String initialState,
        String currentState, Boolean powerRestored, String amiId, String amiCreatedAt, String amiRetainUntil,
        String ssmCommandId) {

    /** The status of a zone error's row. */
    static final String ZONE_ERROR = "ZONE_ERROR";

    static CsvRow of(TargetReport t) {
        var b = t.backup();
        var p = t.patch();
        var v = t.validation();
        AwsReport a = t.aws() == null ? EMPTY_AWS : t.aws();
        return new CsvRow(t.targetId(), t.name(), t.kind(), t.environment(), t.landingZone(), t.installedVersion(),
                t.status().name(), t.phase().name(), b == null ? null : b.status(), b == null ? null : b.location(),
                b == null ? null : b.sha256(), b == null ? null : b.sizeBytes(), p == null ? null : p.status(),
                p == null ? null : p.exitCode(), p == null ? null : p.durationMs(),
                p == null ? null : p.outputLocation(), v == null ? null : v.status(),
                v == null || v.failed().isEmpty() ? null : v.failedChecksText(), t.reason(),
                p == null ? null : details(p.details()), a.instanceId(), a.accountId(), a.region(),
                a.availabilityZone(), a.instanceType(), a.platform(), a.privateIp(), a.ssmStatus(),
                a.ssmAgentVersion(), a.initialState(), a.currentState(), a.powerRestored(), a.amiId(),
                a.amiCreatedAt(), a.amiRetainUntil(), a.ssmCommandId());
    }

    static CsvRow of(ZoneError e) {
        return new CsvRow(null, null, null, null, e.landingZone(), null, ZONE_ERROR, null, null, null, null, null,
                null, null, null, null, null, null, e.reason(), null, null, e.accountId(), e.region(), null, null,
                null, null, null, null, null, null, null, null, null, null, null);
    }

    private static final AwsReport EMPTY_AWS = new AwsReport(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null);

    /** {@code key=value; key=value}, sorted so that the same run always gives the same file. */
    private static String details(Map<String, String> details) {
        if (details.isEmpty()) {
            return null;
        }
        return new TreeMap<>(details).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
    }
}
