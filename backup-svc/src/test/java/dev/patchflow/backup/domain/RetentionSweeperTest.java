package dev.patchflow.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionSweeperTest {

    static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

    @TempDir
    Path temp;

    FakeRecords records;
    FolderStore store;

    @BeforeEach
    void setUp() throws IOException {
        records = new FakeRecords();
        store = new FolderStore(Files.createDirectories(temp.resolve("bucket")));
    }

    @Test
    void deletesArchivesOlderThanTheRetentionAndMarksThemExpired() throws Exception {
        backup("r-old", "app-01", NOW.minus(Duration.ofDays(8)));
        backup("r-new", "app-01", NOW.minus(Duration.ofDays(6)));

        RetentionSweeper.Sweep sweep = new RetentionSweeper(records, methods(), Duration.ofDays(7), 10).sweep(NOW);

        assertThat(sweep.expired()).isEqualTo(1);
        assertThat(sweep.cutoff()).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(store.exists("backups/r-old/app-01.tar.gz")).isFalse();
        assertThat(store.exists("backups/r-new/app-01.tar.gz")).isTrue();
        assertThat(records.byKey.get("r-old/app-01").state()).isEqualTo(BackupState.EXPIRED);
        assertThat(records.byKey.get("r-new/app-01").state()).isEqualTo(BackupState.COMPLETED);
    }

    @Test
    void sweepsEveryDueArchiveAcrossSeveralBatches() throws Exception {
        for (int i = 0; i < 7; i++) {
            backup("r" + i, "app-01", NOW.minus(Duration.ofDays(30 + i)));
        }

        RetentionSweeper.Sweep sweep = new RetentionSweeper(records, methods(), Duration.ofDays(7), 3).sweep(NOW);

        assertThat(sweep.expired()).isEqualTo(7);
        assertThat(records.byKey.values()).allMatch(r -> r.state() == BackupState.EXPIRED);
    }

    @Test
    void anArchiveThatCannotBeDeletedStaysCompletedForTheNextSweep() throws Exception {
        backup("r1", "app-01", NOW.minus(Duration.ofDays(9)));
        backup("r2", "app-01", NOW.minus(Duration.ofDays(10)));
        store.refuseDeletes.add("backups/r1/app-01.tar.gz");
        RetentionSweeper sweeper = new RetentionSweeper(records, methods(), Duration.ofDays(7), 10);

        RetentionSweeper.Sweep first = sweeper.sweep(NOW);
        store.refuseDeletes.clear();
        RetentionSweeper.Sweep second = sweeper.sweep(NOW);

        assertThat(first.expired()).isEqualTo(1);
        assertThat(first.failed()).isEqualTo(1);
        assertThat(second.expired()).isEqualTo(1);
        assertThat(store.exists("backups/r1/app-01.tar.gz")).isFalse();
        assertThat(records.byKey.get("r1/app-01").state()).isEqualTo(BackupState.EXPIRED);
    }

    @Test
    void skippedAndFailedRecordsAreLeftAlone() {
        records.claim("r1/app-01", "r1", "app-01", NOW.minus(Duration.ofDays(20)));
        records.skipped("r1/app-01", "dry run", NOW.minus(Duration.ofDays(20)));
        records.claim("r1/app-02", "r1", "app-02", NOW.minus(Duration.ofDays(20)));
        records.failed("r1/app-02", "install folder x does not exist", NOW.minus(Duration.ofDays(20)));

        RetentionSweeper.Sweep sweep = new RetentionSweeper(records, methods(), Duration.ofDays(7), 10).sweep(NOW);

        assertThat(sweep.expired()).isZero();
        assertThat(records.byKey.get("r1/app-01").state()).isEqualTo(BackupState.SKIPPED);
        assertThat(records.byKey.get("r1/app-02").state()).isEqualTo(BackupState.FAILED);
    }

    private BackupMethods methods() {
        return new BackupMethods(List.of(new ArchiveFolderMethod(store, new TreeArchiver(), temp.resolve("work"))));
    }

    private void backup(String runId, String targetId, Instant at) throws Exception {
        String key = runId + "/" + targetId;
        String objectKey = ArchiveFolderMethod.objectKey(runId, targetId);
        Path archive = Files.writeString(temp.resolve(runId + ".tar.gz"), "archive of " + key);
        ArchiveDigest digest = new ArchiveDigest("00".repeat(32), Files.size(archive), 1);
        String location = store.put(objectKey, archive, digest);
        records.claim(key, runId, targetId, at);
        records.completed(key, ArchiveFolderMethod.NAME, RestorePoint.archive(location, objectKey, digest), at);
    }
}
