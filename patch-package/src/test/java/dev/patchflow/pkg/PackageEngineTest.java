package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.engine.Plan;
import dev.patchflow.pkg.engine.RecoveryResult;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

class PackageEngineTest {

    @TempDir
    Path tmp;
    Path install;
    Path work;
    Fixture fixture;
    ReleaseManifest manifest;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = tmp.resolve("work");
        fixture = new Fixture(tmp.resolve("repo"));
        manifest = fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());
    }

    @Test
    void appliesEveryOperationAndWritesTheVersionMarkerLast() throws Exception {
        ApplyResult result = fixture.engine().apply(fixture.request(install, work, manifest));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(result.signedBy()).isEqualTo(fixture.request(install, work, manifest).manifest()
                .patchFor(Arch.X86_64).orElseThrow().keyId());
        assertThat(Files.readString(install.resolve("VERSION"))).isEqualTo("1.1.0\n");
        assertThat(Files.readString(install.resolve("bin/app"))).contains("1.1.0");
        assertThat(Fs.toBits(Fs.mode(install.resolve("bin/app")))).isEqualTo(0755);
        assertThat(Fs.toBits(Fs.mode(install.resolve("conf/app.conf")))).isEqualTo(0600);
        assertThat(install.resolve("lib/b.jar")).doesNotExist(); // directory replaced as a unit
        assertThat(install.resolve("lib/c.jar")).hasContent("c-1.1.0");
        assertThat(install.resolve("new/sub/file.txt")).hasContent("brand new");
        assertThat(install.resolve("docs/readme.txt")).doesNotExist();
        assertThat(install.resolve("docs")).isDirectory();
        assertThat(install.resolve("old")).doesNotExist();
        assertThat(install.resolve("keep/untouched.txt")).hasContent("same in both");
        assertThat(Files.readSymbolicLink(install.resolve("current"))).isEqualTo(Path.of("bin/app"));
        // nothing left behind: no journal, no backups, no temp siblings
        assertThat(Trees.digest(install).keySet()).noneMatch(p -> p.contains(".pf-"));
        assertThat(fixture.engine().recover(install, work).outcome()).isEqualTo(RecoveryResult.Outcome.NOTHING);
        try (var s = Files.walk(work)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).containsOnly("lock");
        }
    }

    @Test
    void secondApplyOfTheSamePackageIsAlreadyAppliedAndTouchesNothing() throws Exception {
        PackageEngine engine = fixture.engine();
        engine.apply(fixture.request(install, work, manifest));
        Map<String, String> digest = Trees.digest(install);
        var mtimes = Trees.mtimes(install);
        var workMtimes = Trees.mtimes(work);

        ApplyResult second = engine.apply(fixture.request(install, work, manifest));

        assertThat(second.status()).isEqualTo(ApplyResult.Status.ALREADY_APPLIED);
        assertThat(second.signedBy()).isNull(); // nothing was fetched
        assertThat(Trees.digest(install)).isEqualTo(digest);
        assertThat(Trees.mtimes(install)).isEqualTo(mtimes);
        assertThat(Trees.mtimes(work)).isEqualTo(workMtimes);
    }

    @Test
    void dryRunReturnsThePlanAndChangesNothing() throws Exception {
        Map<String, String> before = Trees.digest(install);
        var mtimes = Trees.mtimes(install);

        ApplyResult dry = fixture.engine().apply(fixture.request(install, work, manifest).withDryRun(true));

        assertThat(dry.status()).isEqualTo(ApplyResult.Status.DRY_RUN);
        Plan plan = dry.plan();
        assertThat(plan.strategy()).isInstanceOf(UpgradeStrategy.PatchUpgrade.class);
        assertThat(plan.installedVersion()).isEqualTo("1.0.0");
        assertThat(plan.targetVersion()).isEqualTo("1.1.0");
        assertThat(plan.operations()).isEqualTo(Installs.ops110());
        assertThat(plan.downloadBytes()).isEqualTo(manifest.patchFor(Arch.X86_64).orElseThrow().size());
        assertThat(Trees.digest(install)).isEqualTo(before);
        assertThat(Trees.mtimes(install)).isEqualTo(mtimes);
        assertThat(work).doesNotExist();
    }

    @Test
    void aNewerInstallIsSkippedNotDowngraded() throws Exception {
        Trees.write(install, "VERSION", "2.0.0\n");
        Map<String, String> before = Trees.digest(install);

        ApplyResult result = fixture.engine().apply(fixture.request(install, work, manifest));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.SKIPPED);
        assertThat(Trees.digest(install)).isEqualTo(before);
    }

    @Test
    void fullUpgradeInstallsIntoAMissingFolder() throws Exception {
        byte[] full = new TarFixtures().file("bin/app", "full", 0755).file("README", "hi").build();
        ReleaseManifest release = fixture.fullRelease("1.1.0", full);
        Path fresh = tmp.resolve("fresh");

        ApplyResult result = fixture.engine().apply(fixture.request(fresh, work, release));

        assertThat(result.plan().strategy()).isInstanceOfSatisfying(UpgradeStrategy.FullUpgrade.class,
                s -> assertThat(s.reason()).isEqualTo(UpgradeStrategy.FullReason.INSTALL_MISSING));
        assertThat(Trees.digest(fresh)).containsOnlyKeys("", "bin", "bin/app", "README", "VERSION");
        assertThat(fresh.resolve("VERSION")).hasContent("1.1.0");
    }

    @Test
    void forcedFullUpgradeReplacesEveryTopLevelEntryAndRemovesTheRest() throws Exception {
        byte[] full = new TarFixtures().file("bin/app", "full", 0755).file("lib/a.jar", "a-full").build();
        ReleaseManifest release = fixture.fullRelease("1.0.0", full);

        ApplyResult result = fixture.engine().apply(fixture.request(install, work, release).withForceFull(true));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(Trees.digest(install)).containsOnlyKeys("", "bin", "bin/app", "lib", "lib/a.jar", "VERSION");
    }

    @Test
    void aFullUpgradeKeepsTheInstallsScannerDescriptorThePackageLacks() throws Exception {
        Files.writeString(install.resolve("target.yaml"), "environment: prod\nlabels: {tier: web}\n");
        byte[] full = new TarFixtures().file("bin/app", "full", 0755).build();
        ReleaseManifest release = fixture.fullRelease("1.0.0", full);

        ApplyResult result = fixture.engine().apply(fixture.request(install, work, release).withForceFull(true));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(Trees.digest(install)).containsOnlyKeys("", "bin", "bin/app", "target.yaml", "VERSION");
        assertThat(install.resolve("target.yaml")).hasContent("environment: prod\nlabels: {tier: web}");
    }

    @Test
    void applyRefusesToRunWhileAnUnfinishedJournalExists() throws Exception {
        Path area;
        fixture.engine().apply(fixture.request(install, work, manifest).withDryRun(false));
        try (var s = Files.list(work)) {
            area = s.findFirst().orElseThrow();
        }
        Files.writeString(area.resolve("journal.jsonl"), "");
        ReleaseManifest next = fixture.patchRelease("1.2.0", "1.1.0",
                new TarFixtures().file("bin/app", "1.2.0").build(), Fixture.replaceFiles("bin/app"));

        assertThatThrownBy(() -> fixture.engine().apply(fixture.request(install, work, next)))
                .isInstanceOf(dev.patchflow.pkg.engine.RecoveryRequiredException.class);
        assertThat(fixture.engine().recover(install, work).outcome())
                .isEqualTo(RecoveryResult.Outcome.ROLLED_BACK);
        assertThat(fixture.engine().apply(fixture.request(install, work, next)).status())
                .isEqualTo(ApplyResult.Status.APPLIED);
    }
}
