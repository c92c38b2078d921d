package dev.patchflow.pkg.create;

import java.nio.file.Path;

import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/** What {@link PackageCreator#create} wrote. {@code full} and {@code fullFile} are null without {@code includeFull}. */
public record CreateResult(ReleaseManifest manifest, PatchPackage patch, Path patchFile, FullPackage full,
        Path fullFile) {
}
