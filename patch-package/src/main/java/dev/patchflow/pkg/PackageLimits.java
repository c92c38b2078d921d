package dev.patchflow.pkg;

/**
 * Upper bounds on what a package may cost: download size (on top of the manifest's exact size),
 * number of archive entries and total uncompressed bytes (against decompression bombs).
 */
public record PackageLimits(long maxPackageBytes, int maxEntries, long maxUncompressedBytes) {

    /** 2 GiB download, 200,000 entries, 8 GiB uncompressed. */
    public static PackageLimits defaults() {
        return new PackageLimits(2L << 30, 200_000, 8L << 30);
    }

    public PackageLimits {
        if (maxPackageBytes <= 0 || maxEntries <= 0 || maxUncompressedBytes <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
