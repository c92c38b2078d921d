package dev.patchflow.report.domain.format;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.patchflow.report.domain.TargetReport;

/** One CSV row per target; the property order is the column order. */
@JsonPropertyOrder({"targetId", "name", "kind", "environment", "landingZone", "installedVersion", "status", "phase",
        "backupStatus", "backupLocation", "backupSha256", "backupSizeBytes", "patchStatus", "patchExitCode",
        "patchDurationMs", "patchOutputLocation", "validationStatus", "failedChecks", "reason", "details"})
record CsvRow(String targetId, String name, String kind, String environment, String landingZone,
        String installedVersion, String status, String phase, String backupStatus, String backupLocation,
        String backupSha256, Long backupSizeBytes, String patchStatus, Integer patchExitCode, Long patchDurationMs,
        String patchOutputLocation, String validationStatus, String failedChecks, String reason, String details) {

    static CsvRow of(TargetReport t) {
        var b = t.backup();
        var p = t.patch();
        var v = t.validation();
        return new CsvRow(t.targetId(), t.name(), t.kind(), t.environment(), t.landingZone(), t.installedVersion(),
                t.status().name(), t.phase().name(), b == null ? null : b.status(), b == null ? null : b.location(),
                b == null ? null : b.sha256(), b == null ? null : b.sizeBytes(), p == null ? null : p.status(),
                p == null ? null : p.exitCode(), p == null ? null : p.durationMs(),
                p == null ? null : p.outputLocation(), v == null ? null : v.status(),
                v == null || v.failed().isEmpty() ? null : v.failedChecksText(), t.reason(),
                p == null ? null : details(p.details()));
    }

    /** {@code key=value; key=value}, sorted so that the same run always gives the same file. */
    private static String details(Map<String, String> details) {
        if (details.isEmpty()) {
            return null;
        }
        return new TreeMap<>(details).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
    }
}
