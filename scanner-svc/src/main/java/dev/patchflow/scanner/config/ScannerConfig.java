package dev.patchflow.scanner.config;

import java.nio.file.Path;
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

    interface Directory {

        /** Platform of directory targets without one in target.yaml (default: this machine's). */
        Optional<String> platform();

        /** Architecture of directory targets without one in target.yaml (default: this machine's). */
        Optional<String> arch();
    }
}
