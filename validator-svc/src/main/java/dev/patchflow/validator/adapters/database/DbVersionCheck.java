package dev.patchflow.validator.adapters.database;

import jakarta.inject.Singleton;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.domain.HealthCheck;

/**
 * {@code db-version}: the database node runs the patch version, by its engine's probe (PostgreSQL: the request's
 * {@code patch.parameters.versionQuery}, default the server version Patroni reports; MongoDB: {@code buildInfo}).
 */
@Singleton
public class DbVersionCheck implements HealthCheck {

    private final DatabaseChecks database;

    public DbVersionCheck(DatabaseChecks database) {
        this.database = database;
    }

    @Override
    public String type() {
        return CheckSpec.DB_VERSION;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        return database.checks().onNode(spec, target, run);
    }
}
