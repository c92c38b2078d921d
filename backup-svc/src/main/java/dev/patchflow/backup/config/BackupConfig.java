package dev.patchflow.backup.config;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.validation.constraints.Positive;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the backup service itself. */
@ConfigMapping(prefix = "patchflow.backup")
public interface BackupConfig {

    /** Archives older than this are deleted by the retention sweeper. */
    @WithDefault("7")
    @Positive
    int retentionDays();

    /**
     * How often the retention sweeper runs (a Quarkus scheduler {@code every} value, e.g. {@code 1h};
     * {@code off} disables it). Read by the {@code @Scheduled} expression, declared here to be documented.
     */
    @WithDefault("1h")
    String sweepEvery();

    /** Records handled per query by the sweeper. */
    @WithDefault("500")
    @Positive
    int sweepBatchSize();

    /** Where archives are written before the upload; the JVM temp dir if unset. */
    Optional<Path> workDir();

    /** The PostgreSQL client programs ({@code pg_basebackup}) for database cluster restore points. */
    @WithDefault("/usr/lib/postgresql/15/bin")
    Path postgresBinDir();

    /** How long one {@code pg_basebackup} of a cluster may take. */
    @WithDefault("30m")
    java.time.Duration baseBackupTimeout();

    /** Restore points made at once (a batch of scanned targets is backed up this many at a time). */
    @WithDefault("4")
    @Positive
    int concurrency();

    /**
     * The sweeper only says what it would remove (and, for AMIs, asks EC2 with {@code DryRun} whether it would be
     * allowed); nothing is removed or marked.
     */
    @WithDefault("false")
    boolean sweepDryRun();

    /** AMI restore points of {@code aws-ec2} targets ({@code patchflow.backup.ami.*}). */
    Ami ami();

    interface Ami {

        /** CreateImage without rebooting the instance, when the run does not say ({@code ami_backup.no_reboot}). */
        @WithDefault("true")
        boolean noReboot();

        /** Days an AMI is kept when the run does not say ({@code ami_backup.retention_days}). */
        @WithDefault("7")
        @Positive
        int retentionDays();

        /** How long an image may stay pending when the run does not say ({@code ami_backup.timeout}). */
        @WithDefault("30m")
        java.time.Duration timeout();

        /** How often the image's state is asked for while waiting (the SDK waiter's fixed delay). */
        @WithDefault("15s")
        java.time.Duration pollInterval();
    }
}
