package dev.patchflow.kit.s3;

import io.minio.MinioClient;

/** The one way to build the MinIO client from {@code patchflow.s3.*}. */
public final class S3Clients {

    private S3Clients() {
    }

    /** @throws IllegalStateException naming the missing key when no endpoint is configured */
    public static MinioClient build(S3Config config) {
        String endpoint = config.endpoint()
                .orElseThrow(() -> new IllegalStateException("patchflow.s3.endpoint is not set (environment: "
                        + "PATCHFLOW_S3_ENDPOINT): this service keeps its objects in S3"));
        // A fixed region saves a GetBucketLocation round trip and works with s3proxy and MinIO.
        MinioClient.Builder builder = MinioClient.builder().endpoint(endpoint).region(config.region());
        if (config.accessKey().isPresent() && config.secretKey().isPresent()) {
            builder.credentials(config.accessKey().get(), config.secretKey().get());
        }
        return builder.build();
    }

    /** {@code http://host:port}, for messages that must say which server failed (never the keys). */
    public static String describe(S3Config config) {
        return config.endpoint().orElse("(no endpoint)");
    }
}
