package dev.patchflow.report.adapters.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.report.domain.ReportFile;
import dev.patchflow.report.support.TestConfig;

/**
 * The report archive against s3proxy: what it stored is read back byte for byte, and a file it cannot read — not
 * there, or an S3 that refuses the connection — is no file (the caller renders it from the views).
 */
class S3ReportArchiveIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension(b -> b.kafka(false).mongo(false));

    @Test
    void aStoredReportIsReadBackByteForByteAndAMissingOneIsNoReport() throws Exception {
        S3ReportArchive archive = new S3ReportArchive(config(localStack.stack().s3Endpoint()), new TestConfig());
        String csv = "targetId,status\napp-01,SUCCEEDED\n";

        archive.store("archived", List.of(new ReportFile("report.csv", "text/csv; charset=utf-8",
                out -> out.write(csv.getBytes(StandardCharsets.UTF_8)))));

        assertThat(archive.writes()).isTrue();
        Optional<InputStream> stored = archive.open("archived", "report.csv");
        assertThat(stored).isPresent();
        try (InputStream in = stored.get()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(csv);
        }
        assertThat(archive.open("archived", "report.json")).isEmpty();
        assertThat(archive.open("never-archived", "report.csv")).isEmpty();
    }

    @Test
    void anS3ThatRefusesTheConnectionIsNoReport() {
        S3ReportArchive archive = new S3ReportArchive(config("http://127.0.0.1:1"), new TestConfig());

        assertThat(archive.open("archived", "report.csv")).isEmpty();
    }

    @Test
    void anArchiveThatIsDisabledSaysItWritesNothing() {
        S3ReportArchive archive = new S3ReportArchive(config(localStack.stack().s3Endpoint()), new TestConfig() {

            @Override
            public boolean archive() {
                return false;
            }
        });

        assertThat(archive.writes()).isFalse();
    }

    private static S3Config config(String endpoint) {
        LocalStack stack = localStack.stack();
        return new S3Config() {

            @Override
            public Optional<String> endpoint() {
                return Optional.of(endpoint);
            }

            @Override
            public Optional<String> accessKey() {
                return Optional.of(stack.s3AccessKey());
            }

            @Override
            public Optional<String> secretKey() {
                return Optional.of(stack.s3SecretKey());
            }

            @Override
            public String bucket() {
                return stack.s3Bucket();
            }

            @Override
            public String region() {
                return stack.s3Region();
            }
        };
    }
}
