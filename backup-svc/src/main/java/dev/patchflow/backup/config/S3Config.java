package dev.patchflow.backup.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The S3 (or S3-compatible) store of archives; the same keys in every service (CONVENTIONS.md). */
@ConfigMapping(prefix = "patchflow.s3")
public interface S3Config {

    /** e.g. {@code http://127.0.0.1:9000}; path-style addressing is used for non-AWS endpoints. */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("patchflow")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
