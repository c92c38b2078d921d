package dev.patchflow.kit.s3;

import java.time.Duration;

import io.minio.MinioClient;
import io.minio.http.HttpUtils;

import okhttp3.CertificatePinner;
import okhttp3.OkHttpClient;

/** The one way to build the MinIO client from {@code patchflow.s3.*}. */
public final class S3Clients {

    /** MinIO's own default for connecting, reading and writing. */
    private static final long TIMEOUT_MILLIS = Duration.ofMinutes(5).toMillis();

    private S3Clients() {
    }

    /** @throws IllegalStateException naming the missing key when no endpoint is configured */
    public static MinioClient build(S3Config config) {
        String endpoint = config.endpoint()
                .orElseThrow(() -> new IllegalStateException("patchflow.s3.endpoint is not set (environment: "
                        + "PATCHFLOW_S3_ENDPOINT): this service keeps its objects in S3"));
        // A fixed region saves a GetBucketLocation round trip and works with s3proxy and MinIO.
        MinioClient.Builder builder = MinioClient.builder().endpoint(endpoint).region(config.region())
                .httpClient(httpClient(), true);
        if (config.accessKey().isPresent() && config.secretKey().isPresent()) {
            builder.credentials(config.accessKey().get(), config.secretKey().get());
        }
        return builder.build();
    }

    /**
     * MinIO's default HTTP client (its timeouts, HTTP/1.1, {@code SSL_CERT_FILE}) with its certificate pinner
     * rebuilt on the client's own certificate-chain cleaner. MinIO derives a client for every upload
     * ({@code newBuilder().retryOnConnectionFailure(false).build()}); OkHttp then compares the pinner's cleaner
     * with the client's, and in MinIO's default client they are two instances: the comparison walked the JDK's
     * whole trust store (every CA certificate re-encoded, ~0.5 MB of garbage) on every upload. Built this way
     * they are one instance and the comparison is an identity check. No certificate is pinned either way.
     */
    static OkHttpClient httpClient() {
        return HttpUtils.newDefaultHttpClient(TIMEOUT_MILLIS, TIMEOUT_MILLIS, TIMEOUT_MILLIS).newBuilder()
                .certificatePinner(CertificatePinner.DEFAULT)
                .build();
    }

    /** {@code http://host:port}, for messages that must say which server failed (never the keys). */
    public static String describe(S3Config config) {
        return config.endpoint().orElse("(no endpoint)");
    }
}
