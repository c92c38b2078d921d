package dev.patchflow.runner.support;

import java.nio.file.Path;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

import dev.patchflow.localstack.LocalStack;

/** The S3 patch catalog bucket on the embedded S3 server: where a release is published for the runner. */
public final class Catalog {

    public static final String BUCKET = "patchflow-catalog";

    private final MinioClient minio;

    public Catalog(LocalStack stack) {
        minio = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
        try {
            if (!minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
                minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).region(stack.s3Region()).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the catalog bucket", e);
        }
    }

    /** Uploads the release's files under {@code prefix}; returns the manifest's {@code s3://} location. */
    public String publish(PackageFixtures.Release release, String prefix) {
        for (Path file : PackageFixtures.files(release)) {
            upload(prefix + "/" + file.getFileName(), file);
        }
        return "s3://" + BUCKET + "/" + prefix + "/manifest.json";
    }

    public void upload(String key, Path file) {
        try {
            minio.uploadObject(UploadObjectArgs.builder().bucket(BUCKET).object(key).filename(file.toString())
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot upload " + key, e);
        }
    }
}
