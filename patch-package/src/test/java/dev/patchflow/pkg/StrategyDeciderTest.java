package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.FullPackages;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.PatchPackages;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.manifest.VersionRange;
import dev.patchflow.pkg.strategy.StrategyDecider;
import dev.patchflow.pkg.strategy.UpgradeStrategy;
import dev.patchflow.pkg.strategy.UpgradeStrategy.FullReason;

class StrategyDeciderTest {

    private static final String SHA = "0".repeat(64);
    private static final FullPackage FULL_X86 = new FullPackage("full-x86.tar.gz", SHA, 10, null, null);
    private static final FullPackage FULL_ARM = new FullPackage("full-arm.tar.gz", SHA, 10, null, null);
    private static final PatchPackage PATCH_X86 = new PatchPackage("patch-x86.tar.gz", SHA, 5, null, null,
            new VersionRange("1.3.0", "1.3.9"), Fixture.replaceFiles("bin/app"), null);

    /** 1.4.0: full for both arches, a patch only for x86_64 applying to [1.3.0, 1.3.9]. */
    private static final ReleaseManifest MANIFEST = new ReleaseManifest("1.4.0", LocalDate.of(2026, 11, 20), null,
            new FullPackages(FULL_X86, FULL_ARM), new PatchPackages(PATCH_X86, null));

    private static UpgradeStrategy decide(boolean present, String installed, Arch arch, boolean force) {
        return StrategyDecider.decide(present, Optional.ofNullable(installed).map(SemVer::parse), arch, MANIFEST,
                force);
    }

    @Test
    void noUpgradeWhenInstalledIsTheRelease() {
        assertThat(decide(true, "1.4.0", Arch.X86_64, false)).isInstanceOf(UpgradeStrategy.NoUpgrade.class);
    }

    @Test
    void noUpgradeWhenInstalledIsPastTheRelease() {
        assertThat(decide(true, "1.5.0-rc.1", Arch.X86_64, false)).isInstanceOf(UpgradeStrategy.NoUpgrade.class);
    }

    @Test
    void patchUpgradeWhenAPatchForTheArchCoversTheInstalledVersion() {
        assertThat(decide(true, "1.3.2", Arch.X86_64, false))
                .isEqualTo(new UpgradeStrategy.PatchUpgrade(SemVer.parse("1.3.2"), PATCH_X86));
    }

    @Test
    void fullUpgradeWhenTheInstalledVersionIsOutsideThePatchRange() {
        assertThat(decide(true, "1.2.0", Arch.X86_64, false))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_X86, FullReason.NOT_IN_PATCH_RANGE));
        // a pre-release of the range's minimum sorts before it
        assertThat(decide(true, "1.3.0-rc.1", Arch.X86_64, false))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_X86, FullReason.NOT_IN_PATCH_RANGE));
    }

    @Test
    void fullUpgradeWhenThereIsNoPatchForTheArch() {
        assertThat(decide(true, "1.3.2", Arch.AARCH64, false))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_ARM, FullReason.NO_PATCH_FOR_ARCH));
    }

    @Test
    void fullUpgradeWhenForcedEvenIfUpToDate() {
        assertThat(decide(true, "1.4.0", Arch.X86_64, true))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_X86, FullReason.FORCED));
    }

    @Test
    void fullUpgradeWhenTheInstallFolderIsMissing() {
        assertThat(decide(false, null, Arch.X86_64, false))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_X86, FullReason.INSTALL_MISSING));
    }

    @Test
    void fullUpgradeWhenTheVersionMarkerIsUnreadable() {
        assertThat(decide(true, null, Arch.X86_64, false))
                .isEqualTo(new UpgradeStrategy.FullUpgrade(FULL_X86, FullReason.VERSION_UNKNOWN));
    }

    @Test
    void refusedWhenAFullUpgradeIsNeededButTheArchHasNoFullPackage() {
        ReleaseManifest patchOnly = new ReleaseManifest("1.4.0", LocalDate.of(2026, 11, 20), null, null,
                new PatchPackages(PATCH_X86, null));
        assertThatThrownBy(() -> StrategyDecider.decide(true, Optional.of(SemVer.parse("1.3.2")), Arch.AARCH64,
                patchOnly, false))
                .isInstanceOfSatisfying(PackageRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(PackageRefusedException.Reason.NO_PACKAGE_FOR_ARCH));
        assertThat(StrategyDecider.decide(true, Optional.of(SemVer.parse("1.3.2")), Arch.X86_64, patchOnly, false))
                .isInstanceOf(UpgradeStrategy.PatchUpgrade.class);
        assertThat(Operations.none().count()).isZero();
    }
}
