package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackTestResource;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.runner.support.Catalog;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.PackageFixtures;
import dev.patchflow.runner.support.PackageFixtures.Release;
import dev.patchflow.runner.support.PackageKeysTestResource;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code package} executor on the real servers: a release built and signed with the library's
 * {@code PackageCreator}, published to the patch catalog bucket of the embedded S3 server, BackupCompleted in
 * over the real broker, PatchApplied / PatchFailed out, the install on disk checked byte for byte.
 */
@QuarkusTest
@WithTestResource(LocalStackTestResource.class)
@WithTestResource(PackageKeysTestResource.class)
class PackageExecutorIT {

    @TempDir
    Path dir;

    private KafkaProbe backups;
    private KafkaProbe patches;
    private Catalog catalog;
    private PrivateKey key;

    @BeforeEach
    void setUp() throws Exception {
        LocalStack stack = LocalStackTestResource.current();
        backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS);
        patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES);
        catalog = new Catalog(stack);
        key = Ed25519Keys.readPrivateKey(PackageKeysTestResource.privateKeyFile());
    }

    @AfterEach
    void close() {
        backups.close();
        patches.close();
    }

    /** A fresh release in the catalog under a prefix of its own; returns the manifest location. */
    private String publish(Release release) {
        return catalog.publish(release, "releases/" + UUID.randomUUID());
    }

    private Release build() throws Exception {
        return PackageFixtures.release(dir.resolve("build"), key, dir.resolve("out-" + UUID.randomUUID()));
    }

    private static RunContext run(String manifest, boolean dryRun) {
        // A patch id per test: the ledger is shared by the tests of this class.
        PatchSpec patch = new PatchSpec("app-" + UUID.randomUUID(), PackageFixtures.TO, "package", null, 60,
                Map.of("manifest", manifest));
        return Fixtures.run("run-" + UUID.randomUUID(), patch, dryRun, Phases.ALL, null);
    }

    private Target install(String id) throws Exception {
        Path install = PackageFixtures.install(dir.resolve("fleet").resolve(id));
        return Fixtures.directoryTarget(id, install.toString());
    }

    private CloudEvent<?> patchOutcome(RunContext run, Target target) {
        backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
        return Records.CODEC.decode(patches.awaitKey(run.runId() + "/" + target.id(), 1).get(0));
    }

    @Test
    void aSignedPackageFromTheCatalogIsAppliedAndASecondRunFindsItAlreadyAppliedWithoutTouchingTheInstall()
            throws Exception {
        Release release = build();
        String manifest = publish(release);
        Target target = install("pkg-01");
        Path install = Path.of(target.installPath());
        RunContext first = run(manifest, false);

        PatchApplied applied = patchOutcome(first, target).as(PatchApplied.class).data();

        assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(applied.details()).containsEntry("executor", "package")
                .containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0")
                .containsEntry("manifest", manifest)
                .containsEntry("signedBy", Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key)));
        assertThat(applied.outputLocation()).isEqualTo("s3://patchflow/logs/" + first.runId() + "/pkg-01.log");
        assertThat(PackageFixtures.content(install))
                .isEqualTo(PackageFixtures.content(dir.resolve("build/tree-1.1.0")));
        Map<String, String> afterApply = PackageFixtures.digest(install);

        RunContext second = new RunContext("run-" + UUID.randomUUID(), first.requestedAt(), first.requestedBy(),
                first.patch(), first.targets(), first.options());
        PatchApplied again = patchOutcome(second, target).as(PatchApplied.class).data();

        assertThat(again.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
        assertThat(again.details()).containsEntry("appliedByRun", first.runId())
                .containsEntry("strategy", "NoUpgrade")
                .containsEntry("fromVersion", "1.1.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.digest(install)).isEqualTo(afterApply);
    }

    @Test
    void aTamperedPackageInTheCatalogFailsTheTargetWithTheReasonAndLeavesTheInstallByteIdentical() throws Exception {
        Release release = build();
        byte[] bytes = Files.readAllBytes(release.patchFile());
        bytes[bytes.length / 3] ^= 0x40;
        Files.write(release.patchFile(), bytes);
        String manifest = publish(release);
        Target target = install("pkg-02");
        Map<String, String> before = PackageFixtures.digest(Path.of(target.installPath()));

        PatchFailed failed = patchOutcome(run(manifest, false), target).as(PatchFailed.class).data();

        assertThat(failed.reason()).startsWith("package refused: HASH_MISMATCH");
        assertThat(failed.details()).containsEntry("refusal", "HASH_MISMATCH")
                .containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.digest(Path.of(target.installPath()))).isEqualTo(before);
    }

    @Test
    void aDryRunReportsThePlanAndLeavesTheInstallUnchanged() throws Exception {
        Release release = build();
        String manifest = publish(release);
        Target target = install("pkg-03");
        Map<String, String> before = PackageFixtures.digest(Path.of(target.installPath()));

        PatchApplied dry = patchOutcome(run(manifest, true), target).as(PatchApplied.class).data();

        assertThat(dry.status()).isEqualTo(PatchStatus.DRY_RUN);
        var ops = release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow().operations();
        assertThat(dry.details()).containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0")
                .containsEntry("replaceFiles", String.valueOf(ops.replaceFiles().size()))
                .containsEntry("deleteFiles", String.valueOf(ops.deleteFiles().size()))
                .containsEntry("downloadBytes", String.valueOf(Files.size(release.patchFile())));
        assertThat(PackageFixtures.digest(Path.of(target.installPath()))).isEqualTo(before);
    }
}
