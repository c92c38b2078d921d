package dev.patchflow.backup.adapters.s3;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

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

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.StoreUnavailableException;
import dev.patchflow.kit.s3.S3Clients;
import dev.patchflow.kit.s3.S3Config;

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

    /** S3 error codes that mean "try again later", not "no". */
    private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "ServiceUnavailable", "InternalError",
            "RequestTimeout", "RequestTimeTooSkewed");

    private final MinioClient client;
    private final S3Config config;
    private volatile boolean bucketReady;

    @Inject
    public MinioArchiveStore(S3Config config) {
        this.config = config;
        this.client = S3Clients.build(config);
    }

    void createBucketAtStartup(@Observes StartupEvent startup) {
        try {
            ensureBucket();
        } catch (BackupFailureException | StoreUnavailableException e) {
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
        return S3Clients.describe(config);
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
                LOG.infof("created bucket %s at %s", config.bucket(), endpoint());
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

    /**
     * A reason that says which endpoint failed and how. Unreachable (I/O) or overloaded (5xx, SlowDown) is
     * transient: thrown as {@link StoreUnavailableException}, so the backup waits for S3 instead of failing. A
     * refusal (an S3 error such as AccessDenied) is the target's {@code BackupFailed}.
     */
    private BackupFailureException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String endpoint = S3Clients.describe(config);
        if (e instanceof ErrorResponseException refused) {
            String code = refused.errorResponse().code();
            String reason = "S3 at " + endpoint + " refused the " + what + ": " + code + " "
                    + refused.errorResponse().message();
            if (TRANSIENT_CODES.contains(code)) {
                throw new StoreUnavailableException(reason, e);
            }
            return new BackupFailureException(reason, e);
        }
        if (e instanceof IOException || e instanceof InterruptedException) {
            throw new StoreUnavailableException("S3 at " + endpoint + " is unreachable (" + what + "): " + e, e);
        }
        return new BackupFailureException("S3 at " + endpoint + " failed the " + what + ": " + e, e);
    }
}
