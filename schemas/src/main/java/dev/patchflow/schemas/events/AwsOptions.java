package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The AWS workflow's settings of one run, as the pre-patch teams write them in {@code prepatch_config.yml}
 * (seed 004). {@code null}: the service's configured default.
 *
 * @param scanTimeoutSeconds {@code scanner.timeout}: how long discovery of all zones may take; a zone not done
 *        by then is reported as a zone error and the others go on
 * @param amiRetentionDays {@code ami_backup.retention_days}: the AMI's {@code patchflow:retain-until} tag; the
 *        retention sweeper deregisters it (and deletes its snapshots) after that
 * @param amiTimeoutSeconds {@code ami_backup.timeout}: how long an image may stay {@code pending}
 * @param noReboot {@code ami_backup.no_reboot}: CreateImage without rebooting the instance
 * @param startStopped {@code server_start.enabled}: start instances that were stopped before patching them
 * @param startWaitTimeoutSeconds {@code server_start.wait_timeout}: how long a started instance may take to be
 *        {@code running} and SSM {@code Online}
 * @param restorePowerState {@code server_start.restore_power_state}: stop the instances Patchflow started once
 *        their validation is in
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AwsOptions(Integer scanTimeoutSeconds, Integer amiRetentionDays, Integer amiTimeoutSeconds,
        Boolean noReboot, Boolean startStopped, Integer startWaitTimeoutSeconds, Boolean restorePowerState) {

    /** Every value the service default. */
    public static final AwsOptions DEFAULTS = new AwsOptions(null, null, null, null, null, null, null);

    /** Instances in this state are started before patching (and stopped again when the power state is restored). */
    public static final String STOPPED = "stopped";

    /** Whether stopped instances are started before patching: on unless the run turned it off. */
    @JsonIgnore
    public boolean startsStopped() {
        return !Boolean.FALSE.equals(startStopped);
    }

    /**
     * Whether the runner stops {@code target} again after its validation, so that the report waits for that
     * ({@code PowerStateRestored}) before the target is terminal: a real run of an {@code aws-ec2} target that was
     * stopped when scanned, with the patch phase on, starting on, and restoring asked for.
     */
    public static boolean restoresPowerOf(RunContext run, Target target) {
        AwsOptions aws = run.options().aws();
        return aws != null && Boolean.TRUE.equals(aws.restorePowerState()) && aws.startsStopped()
                && !run.options().dryRun() && run.options().phases().patch() && target != null
                && Target.KIND_AWS_EC2.equals(target.kind()) && STOPPED.equals(target.state());
    }
}
