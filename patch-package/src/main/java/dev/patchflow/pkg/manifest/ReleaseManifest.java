package dev.patchflow.pkg.manifest;

import java.time.LocalDate;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.SemVer;

/**
 * A release: its format, version, date, notes, and its full and patch packages per architecture. The JSON
 * form is {@code schemas/json/ReleaseManifest.schema.json}; read and write it with {@link ManifestCodec}.
 *
 * @param format {@value #FORMAT} for manifests whose signatures cover each package's
 *        {@link dev.patchflow.pkg.crypto.PackageStatement statement}; absent (null) in manifests of format
 *        {@value #LEGACY_FORMAT}, whose signatures covered the raw package bytes (refused when signed)
 */
public record ReleaseManifest(Integer format, String version, LocalDate releaseDate, String notes,
        FullPackages full, PatchPackages patch) {

    /** The format this library writes and verifies. */
    public static final int FORMAT = 2;
    /** Manifests without a {@code format}: signature over the package bytes. */
    public static final int LEGACY_FORMAT = 1;

    /** A manifest of the current format. */
    public ReleaseManifest(String version, LocalDate releaseDate, String notes, FullPackages full,
            PatchPackages patch) {
        this(FORMAT, version, releaseDate, notes, full, patch);
    }

    /** The format, {@value #LEGACY_FORMAT} when the document does not say. */
    @JsonIgnore
    public int formatVersion() {
        return format == null ? LEGACY_FORMAT : format;
    }

    public SemVer semVer() {
        return SemVer.parse(version);
    }

    public Optional<FullPackage> fullFor(Arch arch) {
        return Optional.ofNullable(full).map(f -> f.forArch(arch));
    }

    public Optional<PatchPackage> patchFor(Arch arch) {
        return Optional.ofNullable(patch).map(p -> p.forArch(arch));
    }

    /**
     * The package of this arch (patch or full) whose URL ends with {@code fileName}: how
     * {@code patchctl package verify <file>} finds the manifest entry of a local file.
     */
    public Optional<PackageArtifact> artifactNamed(Arch arch, String fileName) {
        return java.util.stream.Stream.<PackageArtifact>concat(patchFor(arch).stream(), fullFor(arch).stream())
                .filter(a -> a.url().equals(fileName) || a.url().endsWith("/" + fileName))
                .findFirst();
    }

    public ReleaseManifest withFull(Arch arch, FullPackage p) {
        FullPackages current = full == null ? new FullPackages(null, null) : full;
        return new ReleaseManifest(format, version, releaseDate, notes, current.with(arch, p), patch);
    }

    public ReleaseManifest withPatch(Arch arch, PatchPackage p) {
        PatchPackages current = patch == null ? new PatchPackages(null, null) : patch;
        return new ReleaseManifest(format, version, releaseDate, notes, full, current.with(arch, p));
    }
}
