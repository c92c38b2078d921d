package dev.patchflow.pkg.manifest;

import dev.patchflow.pkg.SemVer;

/** Installed versions a patch applies to; both bounds inclusive. */
public record VersionRange(String min, String max) {

    public static VersionRange exactly(String version) {
        return new VersionRange(version, version);
    }

    public boolean contains(SemVer version) {
        return version.compareTo(SemVer.parse(min)) >= 0 && version.compareTo(SemVer.parse(max)) <= 0;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
