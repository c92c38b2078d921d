package dev.patchflow.report.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The report archive ({@code patchflow.s3.*}, shared names across services). */
@ConfigMapping(prefix = "patchflow.s3")
public interface S3Config {

    /** e.g. {@code http://127.0.0.1:9000}. */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("patchflow")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
