package dev.patchflow.runner.adapters.s3;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;

import dev.patchflow.pkg.source.PackageSource;

/**
 * Release manifests and packages in the S3 patch catalog: {@code s3://<catalog-bucket>/<key>}. Only the
 * catalog bucket is readable through it, so that a manifest cannot point the runner at another bucket (the
 * backups, the reports) and have it fetched with the runner's credentials.
 */
public final class S3PackageSource implements PackageSource {

    private final MinioClient client;
    private final String catalogBucket;

    public S3PackageSource(MinioClient client, String catalogBucket) {
        this.client = client;
        this.catalogBucket = catalogBucket;
    }

    @Override
    public boolean supports(URI uri) {
        return "s3".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        S3Location location = S3Location.parse(uri);
        if (!location.bucket().equals(catalogBucket)) {
            throw new IOException(uri + " is outside the patch catalog bucket '" + catalogBucket + "'");
        }
        try {
            return client.getObject(GetObjectArgs.builder().bucket(location.bucket()).object(location.key()).build());
        } catch (ErrorResponseException e) {
            throw new IOException("cannot read " + uri + ": " + e.errorResponse().code() + " "
                    + e.errorResponse().message(), e);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot read " + uri + ": " + e.getMessage(), e);
        }
    }

    /** {@code s3://bucket/key}. */
    public record S3Location(String bucket, String key) {

        public static S3Location parse(URI uri) throws IOException {
            String bucket = uri.getAuthority();
            String path = uri.getPath();
            if (!"s3".equalsIgnoreCase(uri.getScheme()) || bucket == null || bucket.isBlank() || path == null
                    || path.length() <= 1) {
                throw new IOException("not an s3://bucket/key location: " + uri);
            }
            return new S3Location(bucket, path.substring(1));
        }
    }
}
