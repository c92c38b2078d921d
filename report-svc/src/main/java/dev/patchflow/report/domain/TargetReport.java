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
        return of(view, null);
    }

    /**
     * As {@link #of(TargetView)}; a target that is still {@code PENDING} without a reason of its own says why it
     * waits: {@code waitReason} (e.g. {@code run halted: 4 failures exceed the error budget of 3}, see
     * {@link RunReport#waitReason()}), {@code null} for none.
     */
    public static TargetReport of(TargetView view, String waitReason) {
        TargetStatus status = view.status();
        String reason = view.reason();
        if (reason == null && status == TargetStatus.PENDING) {
            reason = waitReason;
        }
        return new TargetReport(view.targetId(), view.name(), view.kind(), view.environment(), view.landingZone(),
                view.installedVersion(), status, view.phase(), reason, view.backup(), view.patch(),
                view.validation(), AwsReport.of(view));
    }
}
