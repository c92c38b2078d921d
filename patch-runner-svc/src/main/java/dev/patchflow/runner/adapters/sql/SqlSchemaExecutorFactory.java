package dev.patchflow.runner.adapters.sql;

import dev.patchflow.pkg.source.HttpPackageSource;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.config.RunnerConfig.SqlSchemaExecutorConfig;
import dev.patchflow.runner.domain.SchemaJournal;
import dev.patchflow.sqlschema.apply.PlanApplier;
import dev.patchflow.sqlschema.live.Connections;

/** Builds the {@code sql-schema} executor from {@code patchflow.runner.sql-schema.*}. */
public final class SqlSchemaExecutorFactory {

    private SqlSchemaExecutorFactory() {
    }

    /**
     * @param s3 the S3 patch catalog ({@code s3://<catalog-bucket>/…}); http(s) is added here, {@code file:} is not
     *        (a request must not make the runner read its own host's files)
     */
    public static SqlSchemaPatchExecutor create(SqlSchemaExecutorConfig config, PackageSource s3,
            SchemaJournal journal) {
        PlanApplier.AfterStatement pause = config
                .testOnlyPauseAfter().<PlanApplier.AfterStatement>map(k -> new TestOnlyStatementPause(k,
                        config.testOnlyPauseSignal().orElse(null)))
                .orElse(PlanApplier.AfterStatement.NONE);
        return new SqlSchemaPatchExecutor(PackageSource.firstOf(s3, new HttpPackageSource()), journal,
                new Connections(), pause);
    }
}
