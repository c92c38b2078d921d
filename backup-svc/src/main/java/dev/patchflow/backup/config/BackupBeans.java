package dev.patchflow.backup.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.backup.adapters.mysql.SchemaDumpMethod;
import dev.patchflow.backup.adapters.postgres.PgBaseBackupMethod;
import dev.patchflow.backup.domain.ArchiveFolderMethod;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupMethods;
import dev.patchflow.backup.domain.BackupRecords;
import dev.patchflow.backup.domain.BackupService;
import dev.patchflow.backup.domain.RetentionSweeper;
import dev.patchflow.backup.domain.TreeArchiver;
import dev.patchflow.backup.domain.WorkloadData;
import dev.patchflow.backup.domain.WorkloadExportMethod;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PostgresSettings;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.sqlschema.live.Connections;

/** Wires the framework-free domain classes into CDI. */
@ApplicationScoped
public class BackupBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    EventCodec eventCodec() {
        return new EventCodec();
    }

    @Produces
    @Singleton
    ArchiveFolderMethod archiveFolderMethod(ArchiveStore store, BackupConfig config) {
        Path workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        return new ArchiveFolderMethod(store, new TreeArchiver(), workDir);
    }

    /** {@code mysql} targets: a schema (and optionally data) dump over JDBC. */
    @Produces
    @Singleton
    SchemaDumpMethod schemaDumpMethod(ArchiveStore store, BackupConfig config) {
        Path workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        return new SchemaDumpMethod(store, new Connections(), workDir);
    }

    /** Kubernetes workloads: the MongoDB collections and S3 prefixes the request declares. */
    @Produces
    @Singleton
    WorkloadExportMethod workloadExportMethod(ArchiveStore store, WorkloadData data, BackupConfig config) {
        Path workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        return new WorkloadExportMethod(store, data, workDir);
    }

    /** PostgreSQL clusters (Patroni): a pg_basebackup of the leader per cluster and run. */
    @Produces
    @Singleton
    PgBaseBackupMethod pgBaseBackupMethod(ArchiveStore store, BackupConfig config, Clock clock) {
        Path workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        ClusterEngines engines = ClusterEngines.standard(new NodeRunners(List.of(new LocalProcessNodeRunner())),
                new PostgresSettings(config.postgresBinDir(), Optional.empty(), workDir, Duration.ofMillis(500),
                        Duration.ofSeconds(10)));
        return new PgBaseBackupMethod(store, engines, config.postgresBinDir(), workDir, config.baseBackupTimeout(),
                clock);
    }

    /** Every {@link BackupMethod} bean: a new target kind's method plugs in by being one. */
    @Produces
    @Singleton
    BackupMethods backupMethods(@Any Instance<BackupMethod> methods) {
        return new BackupMethods(methods.stream().toList());
    }

    @Produces
    @Singleton
    BackupService backupService(BackupRecords records, BackupMethods methods, BackupConfig config, Clock clock) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "backup-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new BackupService(records, methods, pool, clock);
    }

    @Produces
    @Singleton
    RetentionSweeper retentionSweeper(BackupRecords records, BackupMethods methods, BackupConfig config) {
        return new RetentionSweeper(records, methods, Duration.ofDays(config.retentionDays()),
                config.sweepBatchSize());
    }
}
