package dev.patchflow.kit.s3;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code patchflow.s3.*}: the object store (S3, MinIO, s3proxy), the same keys in every service that uses one
 * (docs/CONVENTIONS.md). Production values come from the environment ({@code PATCHFLOW_S3_ENDPOINT},
 * {@code PATCHFLOW_S3_ACCESS_KEY}, {@code PATCHFLOW_S3_SECRET_KEY}); without keys the client is anonymous.
 */
@ConfigMapping(prefix = "patchflow.s3")
public interface S3Config {

    /** e.g. {@code http://127.0.0.1:9000}; path-style addressing is used for non-AWS endpoints. */
    Optional<String> endpoint();

    Optional<String> accessKey();

    Optional<String> secretKey();

    /** The service's bucket (archives, outputs, reports). */
    @WithDefault("patchflow")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
