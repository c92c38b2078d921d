package dev.patchflow.pkg;

/**
 * Upper bounds on what a package may cost, each checked before anything is written: the download
 * (on top of the manifest's exact size), the number of archive entries, the size of one entry, the
 * total uncompressed bytes, and the compression ratio (content bytes per compressed byte read so far,
 * against decompression bombs that stay under the totals).
 *
 * @param maxCompressionRatio content bytes may exceed {@code ratio × compressed bytes read} by at most
 *        {@link #RATIO_SLACK_BYTES}: a small archive of ordinary files is never refused for its ratio
 */
public record PackageLimits(long maxPackageBytes, int maxEntries, long maxUncompressedBytes, long maxEntryBytes,
        int maxCompressionRatio) {

    /** Content allowed beyond the ratio, so that small, very compressible packages pass. */
    public static final long RATIO_SLACK_BYTES = 16L << 20;

    /** 2 GiB download, 200,000 entries, 8 GiB uncompressed, 4 GiB per entry, ratio 200. */
    public static PackageLimits defaults() {
        return new PackageLimits(2L << 30, 200_000, 8L << 30, 4L << 30, 200);
    }

    /** The three classic limits; per-entry size and ratio at their defaults. */
    public PackageLimits(long maxPackageBytes, int maxEntries, long maxUncompressedBytes) {
        this(maxPackageBytes, maxEntries, maxUncompressedBytes, defaults().maxEntryBytes(),
                defaults().maxCompressionRatio());
    }

    public PackageLimits {
        if (maxPackageBytes <= 0 || maxEntries <= 0 || maxUncompressedBytes <= 0 || maxEntryBytes <= 0
                || maxCompressionRatio <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public PackageLimits withMaxEntryBytes(long bytes) {
        return new PackageLimits(maxPackageBytes, maxEntries, maxUncompressedBytes, bytes, maxCompressionRatio);
    }

    public PackageLimits withMaxCompressionRatio(int ratio) {
        return new PackageLimits(maxPackageBytes, maxEntries, maxUncompressedBytes, maxEntryBytes, ratio);
    }
}
