package dev.patchflow.runner.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** {@code patchflow.runner.*}: how this runner executes targets. */
@ConfigMapping(prefix = "patchflow.runner")
public interface RunnerConfig {

    /** Targets of one run executing at once when the run's {@code maxConcurrency} is absent. */
    @WithDefault("4")
    int defaultMaxConcurrency();

    /** Worker threads executing targets, across all runs. */
    @WithDefault("16")
    int workers();

    /** Targets of one batch of backup outcomes taken in at a time (the intake only records). */
    @WithDefault("8")
    int intakeConcurrency();

    /** Per-target timeout when {@code patch.timeoutSeconds} is absent. */
    @WithDefault("10m")
    Duration defaultTimeout();

    /** Added to a target's timeout to make its claim's lease. */
    @WithDefault("60s")
    Duration leaseGrace();

    /** How soon a target whose ledger entry another run holds is tried again. */
    @WithDefault("5s")
    Duration busyRetry();

    /** How often the dispatcher looks in MongoDB for READY targets it was not told about. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How often expired claims are released and unacknowledged outcomes re-sent. */
    @WithDefault("10s")
    Duration leaseCheckInterval();

    /** Lines of output in an event's {@code outputTail}. */
    @WithDefault("20")
    int outputTailLines();

    /** Working directory of targets without an install folder; default: the service's own. */
    Optional<Path> workDir();

    /** This runner's name in claims; default: host name and process id. */
    Optional<String> instanceId();

    /** {@code patchflow.runner.package.*}: the {@code package} executor. */
    @WithName("package")
    PackageExecutorConfig packageExecutor();

    /** {@code patchflow.runner.sql-schema.*}: the {@code sql-schema} executor. */
    @WithName("sql-schema")
    SqlSchemaExecutorConfig sqlSchema();

    /** The {@code sql-schema} executor: declarative MySQL/MariaDB schema patches. */
    interface SqlSchemaExecutorConfig {

        /**
         * TEST ONLY: park a schema plan after this statement (for kill -9 tests). Never set in a deployment.
         */
        Optional<Integer> testOnlyPauseAfter();

        /** TEST ONLY: a file written when the plan parks. */
        Optional<Path> testOnlyPauseSignal();
    }

    /** The {@code package} executor: signed release packages from the patch catalog. */
    interface PackageExecutorConfig {

        /** The S3 bucket of release manifests and packages; {@code s3://} URLs elsewhere are refused. */
        @WithDefault("patchflow-catalog")
        String catalogBucket();

        /**
         * Journals, downloads, staging and backups, one area per install. Must survive restarts (crash
         * recovery reads it) and should be on the installs' file system. Default: {@code <work-dir>/package-work}.
         */
        Optional<Path> workDir();

        /**
         * A directory of trusted Ed25519 public keys ({@code *.pub.pem}, as {@code patchctl package keygen} and
         * {@code patchctl package trust} write), read again for every package: a key added there counts without a
         * restart. A directory that does not exist (yet) holds no key.
         */
        Optional<Path> trustedKeysDir();

        /** Trusted Ed25519 public keys inline: PEM, base64 DER or base64 raw 32 bytes. */
        Optional<List<String>> trustedKeys();

        /**
         * Whether a patch may ask for unsigned packages ({@code parameters.allowUnsigned=true}). Local demos
         * only; when false such a request fails.
         */
        @WithDefault("false")
        boolean allowUnsigned();

        /** Largest package download, in bytes (on top of the manifest's exact size). */
        @WithDefault("2147483648")
        long maxPackageBytes();

        /** Most archive entries in a package (decompression bombs). */
        @WithDefault("200000")
        int maxEntries();

        /** Most uncompressed bytes in a package (decompression bombs). */
        @WithDefault("8589934592")
        long maxUncompressedBytes();

        /** Largest file in a package, in bytes (checked at its header, before any of it is written). */
        @WithDefault("4294967296")
        long maxEntryBytes();

        /**
         * Highest compression ratio (content bytes per compressed byte, with 16 MiB of slack), checked while a
         * package's bytes stream (decompression bombs under the totals).
         */
        @WithDefault("200")
        int maxCompressionRatio();

        /** Largest release manifest, in bytes. */
        @WithDefault("1048576")
        int maxManifestBytes();

        /**
         * TEST ONLY, off by default: {@code step:N} parks every apply after its step N is durable,
         * {@code commit} after its COMMIT line, so that a test can kill the process mid-apply. Never set it in
         * a deployment: the apply never finishes.
         */
        Optional<String> testOnlyPauseAt();

        /** TEST ONLY: file created when an apply is parked by {@link #testOnlyPauseAt()}. */
        Optional<Path> testOnlyPauseSignal();
    }

    /** Rollout defaults. */
    Rollout rollout();

    /** {@code patchflow.runner.ssm.*}: the {@code ssm} executor (AWS Systems Manager Run Command). */
    Ssm ssm();

    interface Ssm {

        /** The SSM document that patches. */
        @WithDefault("AWS-RunPatchBaseline")
        String documentName();

        /** RebootOption when the patch does not set {@code parameters.rebootOption}. */
        @WithDefault("RebootIfNeeded")
        String rebootOption();

        /** SendCommand TimeoutSeconds: how long SSM tries to deliver before DeliveryTimedOut. */
        @WithDefault("10m")
        Duration deliveryTimeout();

        /** How often an invocation's (and a starting instance's) state is asked for. */
        @WithDefault("5s")
        Duration pollInterval();

        /** How long a started instance may take to be running and SSM Online, when the run does not say. */
        @WithDefault("10m")
        Duration startWaitTimeout();

        /** Where the SSM agent writes the full command output (an S3 bucket of the zone's account); unset: none. */
        Optional<String> outputS3Bucket();

        @WithDefault("patchflow/ssm")
        String outputS3Prefix();
    }

    /** {@code patchflow.runner.rollout.*}. */
    interface Rollout {

        /** Environments (case-insensitive) where the {@code all_at_once} strategy is allowed. */
        @WithDefault("dev,development,local,sandbox,test")
        List<String> devEnvironments();

        /** The error budget of runs that set no {@code maxErrors} ("N" or "P%"); absent: no budget. */
        Optional<String> defaultMaxErrors();
    }
}
