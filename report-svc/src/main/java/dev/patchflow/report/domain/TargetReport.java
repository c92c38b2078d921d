package dev.patchflow.report.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One target as the API and the reports show it: the facts plus the derived status, phase and reason.
 *
 * @param aws an EC2 instance's inventory, AMI, power states and SSM command (seed 004's columns); absent for
 *        other kinds
 */
@JsonPropertyOrder({"targetId", "name", "kind", "environment", "landingZone", "installedVersion", "status", "phase",
        "reason", "backup", "patch", "validation", "aws"})
public record TargetReport(String targetId, String name, String kind, String environment, String landingZone,
        String installedVersion, TargetStatus status, TargetPhase phase, String reason, BackupView backup,
        PatchView patch, ValidationView validation, @JsonInclude(JsonInclude.Include.NON_NULL) AwsReport aws) {

    /** A target that is not an EC2 instance. */
    public TargetReport(String targetId, String name, String kind, String environment, String landingZone,
            String installedVersion, TargetStatus status, TargetPhase phase, String reason, BackupView backup,
            PatchView patch, ValidationView validation) {
        this(targetId, name, kind, environment, landingZone, installedVersion, status, phase, reason, backup, patch,
                validation, null);
    }

    public static TargetReport of(TargetView view) {
        return new TargetReport(view.targetId(), view.name(), view.kind(), view.environment(), view.landingZone(),
                view.installedVersion(), view.status(), view.phase(), view.reason(), view.backup(), view.patch(),
                view.validation(), AwsReport.of(view));
    }
}
