package dev.patchflow.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;

/**
 * The packaged service started the way the launcher starts it: {@code java -jar quarkus-run.jar} with
 * {@code -D} properties from {@link LocalStack#serviceProperties()} and {@code -Dquarkus.http.port}.
 */
class PackagedServiceIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    private ServiceProcess service;

    @AfterEach
    void stopService() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void thePackagedJarBecomesReadyAndBacksUpAScannedTarget() throws Exception {
        LocalStack stack = localStack.stack();
        service = ServiceProcess.forTest("backup-svc", "packaged-backup-svc", stack.serviceProperties()).start();
        service.awaitReady(Duration.ofSeconds(90));

        Path install = Files.createTempDirectory("packaged-");
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        InstanceScanned scanned = Fixtures.scanned("packaged-run", Fixtures.directoryTarget("app-01", install));
        EventCodec codec = new EventCodec();
        try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS)) {
            backups.send(codec.toRecord(CloudEvent.of("/patchflow/scanner-svc", scanned)));

            BackupCompleted completed = codec.decode(backups.awaitKey("packaged-run/app-01", 1).get(0))
                    .as(BackupCompleted.class)
                    .data();
            assertThat(completed.status()).isEqualTo(BackupStatus.COMPLETED);
            assertThat(completed.location()).isEqualTo("s3://patchflow/backups/packaged-run/app-01.tar.gz");
            assertThat(stack.dataDir().resolve("s3/patchflow/backups/packaged-run/app-01.tar.gz"))
                    .hasSize(completed.sizeBytes());
        }
    }
}
