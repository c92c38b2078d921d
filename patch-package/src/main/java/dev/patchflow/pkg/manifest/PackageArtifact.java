package dev.patchflow.pkg.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** What every package in a manifest has: where it is, its exact bytes, and who signed them. */
public interface PackageArtifact {

    /** http(s)://, s3://, file: or relative to the manifest's location. */
    String url();

    /** Lower-case hex SHA-256 of the package bytes. */
    String sha256();

    /** Exact size in bytes. */
    long size();

    /**
     * Base64 Ed25519 signature over the package's {@link dev.patchflow.pkg.crypto.PackageStatement statement}
     * (manifest format 2; format 1: over the package bytes); {@code null} when unsigned.
     */
    String signature();

    /** Id of the signing key (first 16 hex of SHA-256 of the raw public key); {@code null} when unsigned. */
    String keyId();

    @JsonIgnore
    default boolean isSigned() {
        return signature() != null && keyId() != null;
    }
}
