package dev.patchflow.backup.adapters.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.patchflow.backup.adapters.s3.MinioArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.StoreUnavailableException;

/** Not ready while the archive bucket cannot be reached: every backup would fail. */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

    private final MinioArchiveStore store;

    @Inject
    public S3ReadinessCheck(MinioArchiveStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("s3")
                .withData("endpoint", store.endpoint())
                .withData("bucket", store.bucket());
        try {
            return store.bucketExists()
                    ? response.up().build()
                    : response.down().withData("error", "bucket does not exist").build();
        } catch (BackupFailureException | StoreUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
