package dev.patchflow.pkg.engine;

import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/**
 * What an apply would do, computed from the install's VERSION marker and the manifest only.
 *
 * @param installedVersion the marker's text, or null when missing or unreadable
 * @param outcome what {@code apply} would return (APPLIED when there is work to do)
 * @param artifact the package to fetch, or null when nothing is to be done
 * @param operations the patch's operations; null for a full upgrade (which replaces every
 *        top-level entry of the install except the VERSION marker) or when nothing is to be done
 * @param downloadBytes bytes to fetch (the package's size), 0 when nothing is to be done
 */
public record Plan(UpgradeStrategy strategy, String installedVersion, String targetVersion,
        ApplyResult.Status outcome, PackageArtifact artifact, Operations operations, long downloadBytes) {
}
