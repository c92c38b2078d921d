package dev.patchflow.kit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.minio.http.HttpUtils;

import okhttp3.OkHttpClient;

class S3ClientsTest {

    /** What MinIO does before every upload (S3Base.executeAsync, a PUT whose body is not a byte array). */
    private static OkHttpClient derivedForAnUpload(OkHttpClient client) {
        return client.newBuilder().retryOnConnectionFailure(false).build();
    }

    @Test
    void aClientDerivedForAnUploadChecksCertificatesWithTheCleanerOfItsClient() {
        OkHttpClient client = S3Clients.httpClient();

        OkHttpClient derived = derivedForAnUpload(client);

        // One cleaner instance: OkHttp's comparison of the pinner's cleaner with the client's stops at identity
        // instead of comparing the JDK's trust stores certificate by certificate.
        assertThat(derived.certificateChainCleaner()).isSameAs(client.certificateChainCleaner());
        assertThat(derived.certificatePinner().getCertificateChainCleaner$okhttp())
                .isSameAs(derived.certificateChainCleaner());
    }

    @Test
    void minioDefaultClientIsTheOneWhoseCleanersDiffer() {
        // Why S3Clients builds its own: if a MinIO upgrade makes this fail, S3Clients.httpClient() can go.
        long fiveMinutes = 300_000;
        OkHttpClient minioDefault = HttpUtils.newDefaultHttpClient(fiveMinutes, fiveMinutes, fiveMinutes);

        assertThat(minioDefault.certificatePinner().getCertificateChainCleaner$okhttp())
                .isNotSameAs(minioDefault.certificateChainCleaner());
    }

    @Test
    void theClientKeepsMinioDefaults() {
        OkHttpClient client = S3Clients.httpClient();

        assertThat(client.readTimeoutMillis()).isEqualTo(300_000);
        assertThat(client.writeTimeoutMillis()).isEqualTo(300_000);
        assertThat(client.connectTimeoutMillis()).isEqualTo(300_000);
        assertThat(client.protocols()).extracting(Object::toString).containsExactly("http/1.1");
    }
}
