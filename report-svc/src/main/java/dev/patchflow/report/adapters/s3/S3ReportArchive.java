package dev.patchflow.report.adapters.s3;

import java.io.ByteArrayInputStream;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import dev.patchflow.kit.s3.S3Clients;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.report.domain.ReportArchive;
import dev.patchflow.report.domain.ReportFile;

/** Report files in S3/MinIO under {@code reports/<runId>/}. */
@ApplicationScoped
public class S3ReportArchive implements ReportArchive {

    private final S3Config config;
    private final MinioClient client;
    private volatile boolean bucketChecked;

    public S3ReportArchive(S3Config config) {
        this.config = config;
        this.client = S3Clients.build(config);
    }

    public static String prefix(String runId) {
        return "reports/" + runId + "/";
    }

    @Override
    public String location(String runId) {
        return "s3://" + config.bucket() + "/" + prefix(runId);
    }

    @Override
    public void store(String runId, List<ReportFile> files) {
        try {
            ensureBucket();
            for (ReportFile file : files) {
                client.putObject(PutObjectArgs.builder().bucket(config.bucket()).object(prefix(runId) + file.name())
                        .contentType(file.contentType())
                        .stream(new ByteArrayInputStream(file.content()), file.content().length, -1).build());
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the reports of run " + runId + " in s3://"
                    + config.bucket() + ": " + e.getMessage(), e);
        }
    }

    /** The local stack creates the bucket; a fresh MinIO may not have it yet. */
    private void ensureBucket() throws Exception {
        if (bucketChecked) {
            return;
        }
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(config.bucket()).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(config.bucket()).region(config.region()).build());
        }
        bucketChecked = true;
    }
}
