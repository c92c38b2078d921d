package dev.patchflow.runner.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code patchflow.s3.*}: the object store for executor output (same keys in every service). */
@ConfigMapping(prefix = "patchflow.s3")
public interface S3Config {

    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    Optional<String> accessKey();

    Optional<String> secretKey();

    @WithDefault("patchflow")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
