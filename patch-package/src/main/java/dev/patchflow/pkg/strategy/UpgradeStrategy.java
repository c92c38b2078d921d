package dev.patchflow.pkg.strategy;

import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;

/** What to do with one install for one release; decided by {@link StrategyDecider}. */
public sealed interface UpgradeStrategy {

    /** The package to fetch, or null for {@link NoUpgrade}. */
    PackageArtifact artifact();

    /** The install is at or past the release: nothing to do. */
    record NoUpgrade(SemVer installed, SemVer release) implements UpgradeStrategy {

        @Override
        public PackageArtifact artifact() {
            return null;
        }
    }

    /** The patch package for this architecture applies to the installed version. */
    record PatchUpgrade(SemVer installed, PatchPackage patch) implements UpgradeStrategy {

        @Override
        public PackageArtifact artifact() {
            return patch;
        }
    }

    /** Replace everything (except the install directory itself) with the full package. */
    record FullUpgrade(FullPackage full, FullReason reason) implements UpgradeStrategy {

        @Override
        public PackageArtifact artifact() {
            return full;
        }
    }

    /** Why a full upgrade was chosen. */
    enum FullReason {
        /** The caller asked for it (force-full flag). */
        FORCED,
        /** The install directory does not exist. */
        INSTALL_MISSING,
        /** The install has no readable VERSION marker. */
        VERSION_UNKNOWN,
        /** The manifest has no patch package for this architecture. */
        NO_PATCH_FOR_ARCH,
        /** The installed version is outside the patch's fromRange. */
        NOT_IN_PATCH_RANGE
    }
}
