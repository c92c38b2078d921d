package dev.patchflow.runner.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.kit.s3.S3Clients;
import dev.patchflow.kit.s3.S3Config;
import dev.patchflow.runner.adapters.mongo.MongoSchemaJournal;
import dev.patchflow.runner.adapters.pkg.PackageExecutorFactory;
import dev.patchflow.runner.adapters.pkg.PackagePatchExecutor;
import dev.patchflow.runner.adapters.s3.S3PackageSource;
import dev.patchflow.runner.adapters.sql.SqlSchemaExecutorFactory;
import dev.patchflow.runner.adapters.sql.SqlSchemaPatchExecutor;
import dev.patchflow.runner.domain.RunnerSettings;
import dev.patchflow.runner.domain.rollout.RolloutSettings;

/** Turns configuration into the plain values the domain uses. */
public class RunnerProducers {

    /** {@code ce_source} of every event this service emits. */
    public static final String SOURCE = "/patchflow/patch-runner-svc";

    @Produces
    @Singleton
    RunnerSettings settings(RunnerConfig config) {
        return new RunnerSettings(Math.max(1, config.defaultMaxConcurrency()), Math.max(1, config.workers()),
                config.defaultTimeout(), config.leaseGrace(), config.busyRetry(), config.pollInterval(),
                config.leaseCheckInterval(), config.outputTailLines(),
                config.workDir().orElse(Path.of("").toAbsolutePath()), config.instanceId().orElseGet(
                        RunnerProducers::defaultInstanceId),
                SOURCE);
    }

    /** The {@code package} executor (a bean of {@code PatchExecutor}, so the registry finds it). */
    @Produces
    @Singleton
    PackagePatchExecutor packageExecutor(RunnerConfig config, S3Config s3, RunnerSettings settings,
            SqlSchemaPatchExecutor schema) {
        return PackageExecutorFactory.create(config.packageExecutor(),
                new S3PackageSource(S3Clients.build(s3), config.packageExecutor().catalogBucket()),
                settings.workDir(), schema);
    }

    /** The {@code sql-schema} executor; desired schemas come from the patch catalog (or http(s)). */
    @Produces
    @Singleton
    SqlSchemaPatchExecutor sqlSchemaExecutor(RunnerConfig config, S3Config s3, MongoSchemaJournal journal) {
        return SqlSchemaExecutorFactory.create(config.sqlSchema(),
                new S3PackageSource(S3Clients.build(s3), config.packageExecutor().catalogBucket()), journal);
    }

    @Produces
    @Singleton
    RolloutSettings rolloutSettings(RunnerConfig config) {
        return new RolloutSettings(config.rollout().devEnvironments(),
                config.rollout().defaultMaxErrors().filter(s -> !s.isBlank()).orElse(null));
    }

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
