package dev.patchflow.pkg.manifest;

import java.time.LocalDate;
import java.util.Optional;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.SemVer;

/**
 * A release: its version, date, notes, and its full and patch packages per architecture. The JSON
 * form is {@code schemas/json/ReleaseManifest.schema.json}; read and write it with
 * {@link ManifestCodec}.
 */
public record ReleaseManifest(String version, LocalDate releaseDate, String notes, FullPackages full,
        PatchPackages patch) {

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
        return new ReleaseManifest(version, releaseDate, notes, current.with(arch, p), patch);
    }

    public ReleaseManifest withPatch(Arch arch, PatchPackage p) {
        PatchPackages current = patch == null ? new PatchPackages(null, null) : patch;
        return new ReleaseManifest(version, releaseDate, notes, full, current.with(arch, p));
    }
}
