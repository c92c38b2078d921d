package dev.patchflow.pkg.manifest;

/** The whole install tree of a release (without the VERSION marker), for one architecture. */
public record FullPackage(String url, String sha256, long size, String signature, String keyId)
        implements
            PackageArtifact {
}
