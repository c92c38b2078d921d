package dev.patchflow.report.adapters.s3;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;

import dev.patchflow.kit.s3.S3Clients;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.ReportArchive;
import dev.patchflow.report.domain.ReportFile;

/**
 * Report files in S3/MinIO under {@code reports/<runId>/}. Each file is rendered into a temporary file first
 * (in {@code java.io.tmpdir}; the Kubernetes manifest mounts an emptyDir at /tmp), then uploaded from it:
 * memory stays flat whatever the size of the run, the object's size is known (MinIO sends a large file as a
 * multipart upload), and a rendering that fails half-way never leaves a truncated object behind.
 */
@ApplicationScoped
public class S3ReportArchive implements ReportArchive {

    private static final Logger LOG = Logger.getLogger(S3ReportArchive.class);

    private final S3Config config;
    private final MinioClient client;
    /**
     * Reads answer a request that can fall back to rendering: an unreachable S3 must cost a couple of seconds, not
     * the client's default five minutes (the uploads keep those: a large multipart upload may be slow).
     */
    private final MinioClient reader;
    private final boolean writes;
    private volatile boolean bucketChecked;

    public S3ReportArchive(S3Config config, ReportConfig report) {
        this.config = config;
        this.client = S3Clients.build(config);
        this.reader = S3Clients.build(config);
        this.reader.setTimeout(TimeUnit.SECONDS.toMillis(2), TimeUnit.SECONDS.toMillis(10),
                TimeUnit.SECONDS.toMillis(10));
        this.writes = report.archive();
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
        if (!writes) {
            // patchflow.report.archive=false (a replay): the live service's copies stay as they are.
            LOG.debugf("run %s: reports not archived (patchflow.report.archive=false)", runId);
            return;
        }
        try {
            ensureBucket();
            for (ReportFile file : files) {
                upload(runId, file);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the reports of run " + runId + " in s3://"
                    + config.bucket() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean writes() {
        return writes;
    }

    @Override
    public Optional<InputStream> open(String runId, String name) {
        try {
            return Optional.of(
                    reader.getObject(
                            GetObjectArgs.builder().bucket(config.bucket()).object(prefix(runId) + name).build()));
        } catch (Exception e) {
            LOG.warnf("run %s: archived %s not readable from s3://%s (%s); rendering it from the views", runId, name,
                    config.bucket(), e.getMessage());
            return Optional.empty();
        }
    }

    private void upload(String runId, ReportFile file) throws Exception {
        Path rendered = Files.createTempFile("patchflow-report-", "-" + file.name());
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(rendered), 1 << 16)) {
                file.content().writeTo(out);
            }
            client.uploadObject(UploadObjectArgs.builder().bucket(config.bucket()).object(prefix(runId) + file.name())
                    .filename(rendered.toString()).contentType(file.contentType()).build());
        } finally {
            deleteQuietly(rendered);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a temp file left behind is not worth failing the completion for
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
