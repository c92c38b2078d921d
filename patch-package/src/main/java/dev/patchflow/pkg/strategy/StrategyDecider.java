package dev.patchflow.pkg.strategy;

import java.util.Optional;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.strategy.UpgradeStrategy.FullReason;

/**
 * The decision table, in order (first match wins):
 *
 * <pre>
 * forceFull                                    → FullUpgrade(FORCED)
 * install folder missing                       → FullUpgrade(INSTALL_MISSING)
 * no readable VERSION marker                   → FullUpgrade(VERSION_UNKNOWN)
 * installed ≥ release                          → NoUpgrade
 * no patch package for the arch                → FullUpgrade(NO_PATCH_FOR_ARCH)
 * installed in the patch's fromRange           → PatchUpgrade
 * otherwise                                    → FullUpgrade(NOT_IN_PATCH_RANGE)
 * </pre>
 *
 * A FullUpgrade without a full package for the arch is refused ({@code NO_PACKAGE_FOR_ARCH}).
 */
public final class StrategyDecider {

    private StrategyDecider() {
    }

    public static UpgradeStrategy decide(boolean installPresent, Optional<SemVer> installed, Arch arch,
            ReleaseManifest manifest, boolean forceFull) {
        SemVer release = manifest.semVer();
        if (forceFull) {
            return full(manifest, arch, FullReason.FORCED);
        }
        if (!installPresent) {
            return full(manifest, arch, FullReason.INSTALL_MISSING);
        }
        if (installed.isEmpty()) {
            return full(manifest, arch, FullReason.VERSION_UNKNOWN);
        }
        SemVer current = installed.get();
        if (current.compareTo(release) >= 0) {
            return new UpgradeStrategy.NoUpgrade(current, release);
        }
        Optional<PatchPackage> patch = manifest.patchFor(arch);
        if (patch.isEmpty()) {
            return full(manifest, arch, FullReason.NO_PATCH_FOR_ARCH);
        }
        if (patch.get().fromRange().contains(current)) {
            return new UpgradeStrategy.PatchUpgrade(current, patch.get());
        }
        return full(manifest, arch, FullReason.NOT_IN_PATCH_RANGE);
    }

    private static UpgradeStrategy full(ReleaseManifest manifest, Arch arch, FullReason reason) {
        FullPackage full = manifest.fullFor(arch)
                .orElseThrow(() -> new PackageRefusedException(Reason.NO_PACKAGE_FOR_ARCH,
                        "a full upgrade is needed (" + reason + ") but release " + manifest.version()
                                + " has no full package for " + arch.jsonName()));
        return new UpgradeStrategy.FullUpgrade(full, reason);
    }
}
