package dev.patchflow.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.backup.Fixtures;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.BackupStatus;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.Target;

class BackupServiceTest {

    static final Instant NOW = Instant.parse("2026-11-20T09:00:01.123456789Z");

    @TempDir
    Path temp;

    Path install;
    Path workDir;
    FakeRecords records;
    FolderStore store;
    BackupService service;

    @BeforeEach
    void setUp() throws IOException {
        install = Files.createDirectories(temp.resolve("fleet/app-01"));
        Files.writeString(install.resolve("VERSION"), "1.0.0\n");
        workDir = temp.resolve("work");
        records = new FakeRecords();
        store = new FolderStore(Files.createDirectories(temp.resolve("bucket")));
        service = new BackupService(records,
                new BackupMethods(List.of(new ArchiveFolderMethod(store, new TreeArchiver(), workDir))),
                Executors.newFixedThreadPool(2), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void archivesADirectoryTargetAndReportsTheStoredObjectsChecksumAndSize() throws Exception {
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.directoryTarget("app-01", install));

        BackupOutcome outcome = service.backUp(scanned);

        BackupCompleted event = (BackupCompleted) outcome.toEvent(scanned.run(), scanned.target());
        Path object = store.root.resolve("backups/r1/app-01.tar.gz");
        byte[] stored = Files.readAllBytes(object);
        assertThat(event.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(event.location()).isEqualTo("s3://test-bucket/backups/r1/app-01.tar.gz");
        assertThat(event.sha256()).isEqualTo(sha256(stored));
        assertThat(event.sizeBytes()).isEqualTo(stored.length);
        assertThat(event.completedAt()).isEqualTo(Instant.parse("2026-11-20T09:00:01.123Z"));
        assertThat(outcome.replayed()).isFalse();
        BackupRecord record = records.byKey.get("r1/app-01");
        assertThat(record.state()).isEqualTo(BackupState.COMPLETED);
        assertThat(record.objectKey()).isEqualTo("backups/r1/app-01.tar.gz");
        assertThat(record.sha256()).isEqualTo(event.sha256());
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void aSecondDeliveryReEmitsTheRecordedOutcomeWithoutASecondUpload() {
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.directoryTarget("app-01", install));
        BackupOutcome first = service.backUp(scanned);

        BackupOutcome second = service.backUp(scanned);

        assertThat(store.uploads).hasValue(1);
        assertThat(second.replayed()).isTrue();
        assertThat(second.toEvent(scanned.run(), scanned.target()))
                .isEqualTo(first.toEvent(scanned.run(), scanned.target()));
    }

    @Test
    void anAttemptLeftInProgressByACrashIsRedone() {
        records.claim("r1/app-01", "r1", "app-01", NOW);
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.directoryTarget("app-01", install));

        BackupOutcome outcome = service.backUp(scanned);

        assertThat(outcome).isInstanceOf(BackupOutcome.Created.class);
        assertThat(outcome.replayed()).isFalse();
        assertThat(store.exists("backups/r1/app-01.tar.gz")).isTrue();
        assertThat(records.byKey.get("r1/app-01").attempt()).isEqualTo(2);
        assertThat(records.byKey.get("r1/app-01").state()).isEqualTo(BackupState.COMPLETED);
    }

    @Test
    void skipsWithANoteWhenTheRunTurnedTheBackupPhaseOff() {
        InstanceScanned scanned = Fixtures.scanned(Fixtures.run("r1", false, new Phases(false, true, true)),
                Fixtures.directoryTarget("app-01", install));

        BackupCompleted event = (BackupCompleted) service.backUp(scanned).toEvent(scanned.run(), scanned.target());

        assertThat(event.status()).isEqualTo(BackupStatus.SKIPPED);
        assertThat(event.note()).isEqualTo("backup phase off");
        assertThat(event.location()).isNull();
        assertThat(store.uploads).hasValue(0);
        assertThat(records.byKey.get("r1/app-01").state()).isEqualTo(BackupState.SKIPPED);
    }

    @Test
    void skipsADryRun() {
        InstanceScanned scanned = Fixtures.scanned(Fixtures.run("r1", true, Phases.ALL),
                Fixtures.directoryTarget("app-01", install));

        BackupCompleted event = (BackupCompleted) service.backUp(scanned).toEvent(scanned.run(), scanned.target());

        assertThat(event.status()).isEqualTo(BackupStatus.SKIPPED);
        assertThat(event.note()).isEqualTo("dry run");
        assertThat(store.uploads).hasValue(0);
    }

    @Test
    void skipsStaticTargetsBecauseThereIsNothingToArchive() {
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.staticTarget("web-01"));

        BackupCompleted event = (BackupCompleted) service.backUp(scanned).toEvent(scanned.run(), scanned.target());

        assertThat(event.status()).isEqualTo(BackupStatus.SKIPPED);
        assertThat(event.note()).isEqualTo("nothing to archive for static targets");
    }

    @Test
    void failsWhenTheInstallFolderIsMissingAndReplaysTheSameReason() {
        Path missing = temp.resolve("fleet/app-02");
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.directoryTarget("app-02", missing));

        BackupOutcome first = service.backUp(scanned);
        BackupOutcome again = service.backUp(scanned);

        BackupFailed event = (BackupFailed) first.toEvent(scanned.run(), scanned.target());
        assertThat(event.reason()).isEqualTo("install folder " + missing + " does not exist");
        assertThat(again.replayed()).isTrue();
        assertThat(again.toEvent(scanned.run(), scanned.target())).isEqualTo(event);
        assertThat(records.byKey.get("r1/app-02").reason()).isEqualTo(event.reason());
    }

    @Test
    void failsWithTheStoresReasonWhenTheUploadIsRefused() {
        store.refusal = "S3 at http://s3.test refused the upload of backups/r1/app-01.tar.gz: AccessDenied";
        InstanceScanned scanned = Fixtures.scanned("r1", Fixtures.directoryTarget("app-01", install));

        BackupFailed event = (BackupFailed) service.backUp(scanned).toEvent(scanned.run(), scanned.target());

        assertThat(event.reason()).isEqualTo(store.refusal);
        assertThat(records.byKey.get("r1/app-01").state()).isEqualTo(BackupState.FAILED);
        assertThat(workDir).isEmptyDirectory();
    }

    @Test
    void failsForATargetKindItCannotBackUp() {
        Target pod = new Target("pod-1", "pod-1", "kubernetes", "dev", "lz", null, null, null, null, "running", null,
                null, null, null);
        InstanceScanned scanned = Fixtures.scanned("r1", pod);

        BackupFailed event = (BackupFailed) service.backUp(scanned).toEvent(scanned.run(), scanned.target());

        assertThat(event.reason()).isEqualTo("no backup method for targets of kind kubernetes");
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
