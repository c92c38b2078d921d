package dev.patchflow.validator.adapters.database;

import jakarta.inject.Singleton;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.domain.HealthCheck;

/**
 * {@code db-cluster}: the node's cluster as a whole: one leader, every member running, every replica streaming
 * with lag at most {@code patch.parameters.maxLag} (bytes for PostgreSQL, seconds for MongoDB).
 */
@Singleton
public class DbClusterCheck implements HealthCheck {

    private final DatabaseChecks database;

    public DbClusterCheck(DatabaseChecks database) {
        this.database = database;
    }

    @Override
    public String type() {
        return CheckSpec.DB_CLUSTER;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        return database.checks().onNode(spec, target, run);
    }
}
