package dev.patchflow.validator.adapters.database;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.checks.DbChecks;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PostgresSettings;

/**
 * The database checks ({@code db-version}, {@code db-cluster}) of the db-cluster library, the same code the
 * runner's post-flight and clone test run. Lag threshold: {@code patch.parameters.maxLag}, else
 * {@code patchflow.db-cluster.max-lag}.
 */
@Singleton
public class DatabaseChecks {

    private final DbChecks checks;

    public DatabaseChecks(@ConfigProperty(name = "patchflow.db-cluster.max-lag", defaultValue = "1048576") long maxLag,
            @ConfigProperty(name = "patchflow.db-cluster.http-timeout", defaultValue = "10s") Duration timeout) {
        this.checks = new DbChecks(ClusterEngines.standard(new NodeRunners(List.of(new LocalProcessNodeRunner())),
                new PostgresSettings(Path.of("/usr/lib/postgresql/15/bin"), Optional.empty(),
                        Path.of(System.getProperty("java.io.tmpdir")), Duration.ofMillis(500), timeout)),
                maxLag);
    }

    public DbChecks checks() {
        return checks;
    }
}
