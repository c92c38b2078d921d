package dev.patchflow.backup.adapters.s3;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.runtime.StartupEvent;

import dev.patchflow.backup.config.S3Config;
import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;

/**
 * Archives in S3 (or MinIO, s3proxy) through the MinIO client. The bucket is created at startup if it
 * is missing; if S3 is not reachable then, the service still starts (readiness reports it) and the
 * bucket is checked again before the next upload.
 */
@ApplicationScoped
public class MinioArchiveStore implements ArchiveStore {

    private static final Logger LOG = Logger.getLogger(MinioArchiveStore.class);

    /** User metadata on each archive: lets anyone verify an object without our records. */
    public static final String SHA256_METADATA = "sha256";

    private final MinioClient client;
    private final S3Config config;
    private volatile boolean bucketReady;

    @Inject
    public MinioArchiveStore(S3Config config) {
        this.config = config;
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey())
                // A fixed region saves a GetBucketLocation round trip and works with s3proxy/MinIO.
                .region(config.region())
                .build();
    }

    void createBucketAtStartup(@Observes StartupEvent startup) {
        try {
            ensureBucket();
        } catch (BackupFailureException e) {
            LOG.warnf("bucket %s not ready at startup, will retry before the first upload: %s", config.bucket(),
                    e.getMessage());
        }
    }

    @Override
    public String put(String key, Path archive, ArchiveDigest digest) throws BackupFailureException {
        ensureBucket();
        try {
            client.uploadObject(UploadObjectArgs.builder()
                    .bucket(config.bucket())
                    .object(key)
                    .filename(archive.toString())
                    .contentType("application/gzip")
                    .userMetadata(Map.of(SHA256_METADATA, digest.sha256()))
                    .build());
        } catch (Exception e) {
            throw failure("upload of " + key, e);
        }
        return location(key);
    }

    @Override
    public void deleteAll(String prefix) throws BackupFailureException {
        try {
            for (io.minio.Result<io.minio.messages.Item> item : client.listObjects(io.minio.ListObjectsArgs.builder()
                    .bucket(config.bucket()).prefix(prefix).recursive(true).build())) {
                client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(item.get().objectName())
                        .build());
            }
        } catch (Exception e) {
            throw failure("delete of " + prefix + "*", e);
        }
    }

    @Override
    public void delete(String key) throws BackupFailureException {
        try {
            // S3 DeleteObject succeeds for a missing key, which makes a repeated sweep harmless.
            client.removeObject(RemoveObjectArgs.builder().bucket(config.bucket()).object(key).build());
        } catch (Exception e) {
            throw failure("delete of " + key, e);
        }
    }

    /** True if the bucket exists; for the readiness check. */
    public boolean bucketExists() throws BackupFailureException {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build());
        } catch (Exception e) {
            throw failure("check of bucket " + config.bucket(), e);
        }
    }

    public String location(String key) {
        return "s3://" + config.bucket() + "/" + key;
    }

    public String endpoint() {
        return config.endpoint();
    }

    public String bucket() {
        return config.bucket();
    }

    private void ensureBucket() throws BackupFailureException {
        if (bucketReady) {
            return;
        }
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).region(config.region()).build());
                LOG.infof("created bucket %s at %s", config.bucket(), config.endpoint());
            }
            bucketReady = true;
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
                bucketReady = true;
                return;
            }
            throw failure("creation of bucket " + config.bucket(), e);
        } catch (Exception e) {
            throw failure("creation of bucket " + config.bucket(), e);
        }
    }

    /** A reason that says which endpoint failed and how: refused (an S3 error) or unreachable (I/O). */
    private BackupFailureException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String reason;
        if (e instanceof ErrorResponseException refused) {
            reason = "S3 at " + config.endpoint() + " refused the " + what + ": " + refused.errorResponse().code()
                    + " " + refused.errorResponse().message();
        } else if (e instanceof IOException) {
            reason = "S3 at " + config.endpoint() + " is unreachable (" + what + "): " + e;
        } else {
            reason = "S3 at " + config.endpoint() + " failed the " + what + ": " + e;
        }
        return new BackupFailureException(reason, e);
    }
}
