package dev.patchflow.runner.adapters.s3;

import io.minio.MinioClient;

import dev.patchflow.runner.config.S3Config;

/** One way to build the MinIO client from {@code patchflow.s3.*}. */
public final class S3Clients {

    private S3Clients() {
    }

    public static MinioClient build(S3Config config) {
        MinioClient.Builder builder = MinioClient.builder().endpoint(config.endpoint()).region(config.region());
        if (config.accessKey().isPresent() && config.secretKey().isPresent()) {
            builder.credentials(config.accessKey().get(), config.secretKey().get());
        }
        return builder.build();
    }
}
