package dev.patchflow.backup.adapters.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;

/** The MinIO adapter against s3proxy: uploads, deletes, and the reasons it gives when S3 says no. */
class MinioArchiveStoreIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension(b -> b.kafka(false).mongo(false));

    @TempDir
    Path temp;

    @Test
    void uploadsUnderTheKeyWithTheChecksumAsMetadataAndDeletesIdempotently() throws Exception {
        LocalStack stack = localStack.stack();
        MinioArchiveStore store = new MinioArchiveStore(config(stack, stack.s3SecretKey(), "store-it"));
        Path archive = Files.writeString(temp.resolve("a.tar.gz"), "not really gzip");
        ArchiveDigest digest = new ArchiveDigest("ef".repeat(32), Files.size(archive), 1);

        String location = store.put("backups/r1/app-01.tar.gz", archive, digest);

        assertThat(location).isEqualTo("s3://store-it/backups/r1/app-01.tar.gz");
        StatObjectResponse stat = stat(stack, "store-it", "backups/r1/app-01.tar.gz");
        assertThat(stat.size()).isEqualTo(Files.size(archive));
        assertThat(stat.userMetadata()).containsEntry("sha256", digest.sha256());
        store.delete("backups/r1/app-01.tar.gz");
        store.delete("backups/r1/app-01.tar.gz");
        assertThatThrownBy(() -> stat(stack, "store-it", "backups/r1/app-01.tar.gz"))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void aRefusedRequestIsAFailureThatNamesTheEndpoint() throws Exception {
        LocalStack stack = localStack.stack();
        MinioArchiveStore store = new MinioArchiveStore(config(stack, "wrong-secret", stack.s3Bucket()));
        Path archive = Files.writeString(temp.resolve("a.tar.gz"), "x");

        assertThatThrownBy(
                () -> store.put("backups/r1/app-01.tar.gz", archive, new ArchiveDigest("00".repeat(32), 1, 1)))
                .isInstanceOf(BackupFailureException.class)
                .hasMessageStartingWith("S3 at " + stack.s3Endpoint() + " refused the ");
        assertThatThrownBy(store::bucketExists).isInstanceOf(BackupFailureException.class)
                .hasMessageContaining(stack.s3Endpoint())
                .hasMessageContaining("refused");
    }

    private static StatObjectResponse stat(LocalStack stack, String bucket, String key) throws Exception {
        MinioClient client = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
        return client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
    }

    private static S3Config config(LocalStack stack, String secretKey, String bucket) {
        return new S3Config() {

            @Override
            public Optional<String> endpoint() {
                return Optional.of(stack.s3Endpoint());
            }

            @Override
            public Optional<String> accessKey() {
                return Optional.of(stack.s3AccessKey());
            }

            @Override
            public Optional<String> secretKey() {
                return Optional.of(secretKey);
            }

            @Override
            public String bucket() {
                return bucket;
            }

            @Override
            public String region() {
                return stack.s3Region();
            }
        };
    }
}
