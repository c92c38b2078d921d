package dev.patchflow.patchctl.pkg;

import java.time.Duration;

/** How to reach S3 / MinIO: the same four settings the services take as {@code patchflow.s3.*}. */
public record S3Settings(String endpoint, String accessKey, String secretKey, String region, Duration timeout) {
}
