package dev.patchflow.runner.adapters.s3;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

import dev.patchflow.kit.s3.S3Clients;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.runner.domain.OutputStore;

/** Executor output in S3 / MinIO at {@code logs/<runId>/<targetId>.log}. */
@ApplicationScoped
public class MinioOutputStore implements OutputStore {

    private final S3Config config;
    private volatile MinioClient client;
    private volatile boolean bucketChecked;

    public MinioOutputStore(S3Config config) {
        this.config = config;
    }

    public static String key(String runId, String targetId) {
        return "logs/" + runId + "/" + targetId + ".log";
    }

    @Override
    public String store(String runId, String targetId, Path file) {
        String key = key(runId, targetId);
        try {
            MinioClient minio = client();
            ensureBucket(minio);
            minio.uploadObject(UploadObjectArgs.builder()
                    .bucket(config.bucket())
                    .object(key)
                    .filename(file.toString())
                    .contentType("text/plain; charset=utf-8")
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload " + key + " to " + S3Clients.describe(config) + ": "
                    + e.getMessage(),
                    e);
        }
        return "s3://" + config.bucket() + "/" + key;
    }

    /** Built on first use so that a misconfigured endpoint fails the upload, not the service start. */
    MinioClient client() {
        MinioClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = S3Clients.build(config);
                }
                current = client;
            }
        }
        return current;
    }

    private void ensureBucket(MinioClient minio) throws Exception {
        if (bucketChecked) {
            return;
        }
        synchronized (this) {
            if (!bucketChecked) {
                BucketExistsArgs exists = BucketExistsArgs.builder().bucket(config.bucket()).build();
                if (!minio.bucketExists(exists)) {
                    try {
                        minio.makeBucket(
                                MakeBucketArgs.builder().bucket(config.bucket()).region(config.region()).build());
                    } catch (Exception e) {
                        // Another service may have created it meanwhile; only its absence is an error.
                        if (!minio.bucketExists(exists)) {
                            throw e;
                        }
                    }
                }
                bucketChecked = true;
            }
        }
    }
}
