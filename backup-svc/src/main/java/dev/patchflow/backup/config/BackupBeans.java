package dev.patchflow.backup.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupRecords;
import dev.patchflow.backup.domain.BackupService;
import dev.patchflow.backup.domain.RetentionSweeper;
import dev.patchflow.backup.domain.TreeArchiver;
import dev.patchflow.schemas.EventCodec;

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
    BackupService backupService(BackupRecords records, ArchiveStore store, BackupConfig config, Clock clock) {
        Path workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        return new BackupService(records, store, new TreeArchiver(), workDir, clock);
    }

    @Produces
    @Singleton
    RetentionSweeper retentionSweeper(BackupRecords records, ArchiveStore store, BackupConfig config) {
        return new RetentionSweeper(records, store, Duration.ofDays(config.retentionDays()), config.sweepBatchSize());
    }
}
