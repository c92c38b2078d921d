package dev.patchflow.pkg;

/**
 * A package (or its manifest entry) was refused before anything in the install was touched. The
 * {@link Reason} is machine-readable (e.g. for a {@code PatchFailed} reason); the message says what
 * exactly was wrong.
 */
public class PackageRefusedException extends RuntimeException {

    /** Why a package was refused. */
    public enum Reason {
        /** The manifest does not validate against ReleaseManifest.schema.json or names unsafe paths. */
        INVALID_MANIFEST,
        /**
         * A signed package in a manifest of an older format (1: the signature covered the raw package bytes,
         * which cannot be verified in constant memory, and left the operations unsigned). Re-create the release
         * with {@code patchctl package create}.
         */
        OUTDATED_MANIFEST,
        /** The manifest has no package for the target's architecture. */
        NO_PACKAGE_FOR_ARCH,
        /** The download is larger than the manifest's size or the configured maximum, or shorter than the manifest's size. */
        SIZE_MISMATCH,
        /** The SHA-256 of the bytes differs from the manifest's. */
        HASH_MISMATCH,
        /** The manifest carries no signature and unsigned packages are not allowed. */
        UNSIGNED,
        /** The signature's key id is not among the trusted keys. */
        UNKNOWN_KEY,
        /** The Ed25519 signature does not verify with the trusted key. */
        BAD_SIGNATURE,
        /** An archive entry's path is absolute, has '..' segments, or goes through a symlink. */
        UNSAFE_PATH,
        /**
         * An archive entry is a hard link, device, fifo, or a symlink that points, or would after the apply resolve
         * through links of the install or the package, outside the install.
         */
        UNSAFE_ENTRY,
        /** More entries, a larger entry, more uncompressed bytes or a higher compression ratio than configured. */
        ARCHIVE_TOO_LARGE,
        /** The archive is not a readable tar.gz. */
        CORRUPT_ARCHIVE,
        /** The operations name a path the package does not contain, or the package holds content no operation names. */
        STRUCTURE_MISMATCH,
        /** The package could not be fetched. */
        DOWNLOAD_FAILED
    }

    private final Reason reason;

    public PackageRefusedException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public PackageRefusedException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
