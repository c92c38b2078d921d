package dev.patchflow.scanner.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The scanner's own settings ({@code patchflow.scanner.*}). */
@ConfigMapping(prefix = "patchflow.scanner")
public interface ScannerConfig {

    /** Relative {@code targets.source} paths are resolved against this folder. */
    @WithDefault(".")
    Path baseDir();

    /** Patch executors the runner has; a request naming another one is rejected. */
    @WithDefault("process")
    Set<String> executors();

    /** Target documents per insertMany. */
    @WithDefault("1000")
    int writeBatchSize();

    Directory directory();

    /** The {@code aws-ec2} provider ({@code patchflow.scanner.aws.*}); AWS access itself is {@code patchflow.aws.*}. */
    Aws aws();

    interface Aws {

        /** The instance tag that holds the environment ({@code --environment} filters on it server-side). */
        @WithDefault("Environment")
        String environmentTag();

        /** Only instances in these states are scanned. */
        @WithDefault("pending,running,stopping,stopped")
        List<String> instanceStates();

        /** DescribeInstances page size (5 to 1000). */
        @WithDefault("500")
        int pageSize();

        /** Zones scanned at once. */
        @WithDefault("4")
        int parallelism();

        /** Scan time limit when the run sets none ({@code scanner.timeout}). */
        @WithDefault("5m")
        Duration scanTimeout();
    }

    interface Directory {

        /** Platform of directory targets without one in target.yaml (default: this machine's). */
        Optional<String> platform();

        /** Architecture of directory targets without one in target.yaml (default: this machine's). */
        Optional<String> arch();
    }
}
