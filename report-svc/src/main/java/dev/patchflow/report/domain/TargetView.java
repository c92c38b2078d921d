package dev.patchflow.report.domain;

import dev.patchflow.schemas.events.PatchStatus;

/**
 * Everything the report has seen about one target of one run. Each stage is a separate fact, so the
 * view is the same whatever order the events arrived in, and a stage seen twice changes nothing. Status,
 * phase and reason are derived from the facts, never stored, so they cannot regress.
 *
 * @param scanned whether InstanceScanned has been seen (a later stage may arrive first)
 * @param aws the EC2 facts of an {@code aws-ec2} target, {@code null} for other kinds
 * @param power what {@code PowerStateRestored} said, {@code null} until then (and for targets it is not sent for)
 */
public record TargetView(String targetId, String name, String kind, String environment, String landingZone,
        String installedVersion, boolean scanned, BackupView backup, PatchView patch, ValidationView validation,
        AwsView aws, PowerView power) {

    /** A target without EC2 facts. */
    public TargetView(String targetId, String name, String kind, String environment, String landingZone,
            String installedVersion, boolean scanned, BackupView backup, PatchView patch, ValidationView validation) {
        this(targetId, name, kind, environment, landingZone, installedVersion, scanned, backup, patch, validation,
                null, null);
    }

    /**
     * An EC2 instance's power state after the run: what {@code PowerStateRestored} says, else what the executor
     * left it in ({@code details.powerState}: started for patching, or stopped again after a failure), else the
     * state it was scanned in; {@code null} for targets that are not instances.
     */
    public String currentState() {
        if (aws == null) {
            return null;
        }
        if (power != null) {
            return power.state();
        }
        String left = patch == null ? null : patch.details().get(AwsReport.POWER_STATE);
        return left != null ? left : aws.initialState();
    }

    /**
     * Terminal as PIPELINE-SEMANTICS.md defines it: PatchFailed, PatchNotStarted, ValidationPassed or
     * ValidationFailed seen.
     */
    public boolean terminal() {
        return (patch != null && (patch.failed() || patch.notStarted())) || validation != null;
    }

    /** Any stage failed: backup, patch or validation. */
    public boolean failed() {
        return (backup != null && backup.failed()) || (patch != null && patch.failed())
                || (validation != null && validation.hasFailed());
    }

    public TargetStatus status() {
        if (failed()) {
            return TargetStatus.FAILED;
        }
        if (!terminal()) {
            return TargetStatus.PENDING;
        }
        if (patch != null && patch.notStarted()) {
            return "CANCELLED".equals(patch.status()) ? TargetStatus.CANCELLED : TargetStatus.NOT_STARTED;
        }
        if (patch == null) {
            // ValidationPassed overtook PatchApplied on another topic: the validator only validates
            // patched targets, so the target succeeded; the patch status refines it when it arrives.
            return TargetStatus.SUCCEEDED;
        }
        return switch (PatchStatus.valueOf(patch.status())) {
            case APPLIED -> TargetStatus.SUCCEEDED;
            case ALREADY_APPLIED -> TargetStatus.ALREADY_APPLIED;
            case DRY_RUN -> TargetStatus.DRY_RUN;
            case SKIPPED -> TargetStatus.SKIPPED;
        };
    }

    public TargetPhase phase() {
        if (failed()) {
            return TargetPhase.FAILED;
        }
        if (validation != null) {
            return TargetPhase.VALIDATED;
        }
        if (patch != null) {
            return TargetPhase.PATCHED;
        }
        if (backup != null) {
            return TargetPhase.BACKED_UP;
        }
        return TargetPhase.SCANNED;
    }

    /**
     * Why the target failed, naming the first stage that did, or why it was never started; {@code null} when
     * nothing failed.
     */
    public String reason() {
        if (patch != null && patch.failed()) {
            // PatchFailed already says "not patched: backup failed: …" when the backup was the cause.
            return patch.reason();
        }
        if (backup != null && backup.failed()) {
            return "backup failed: " + backup.reason();
        }
        if (validation != null && validation.hasFailed()) {
            return "validation failed: " + validation.failedChecksText();
        }
        if (patch != null && patch.notStarted()) {
            return patch.reason();
        }
        return null;
    }
}
