package dev.patchflow.pkg.manifest;

/**
 * What changed since the installed versions of {@code fromRange}, for one architecture: the package
 * holds the new content of every replaced file and directory, {@code operations} says what to do.
 */
public record PatchPackage(String url, String sha256, long size, String signature, String keyId, VersionRange fromRange,
        Operations operations, String notes) implements PackageArtifact {
}
