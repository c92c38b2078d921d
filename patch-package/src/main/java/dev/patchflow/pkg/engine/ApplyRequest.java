package dev.patchflow.pkg.engine;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * One install to bring to a release.
 *
 * @param installDir the install root (holds the VERSION marker); may be missing (full upgrade)
 * @param workDir where downloads, staging, backups and the journal live (per install, in a
 *        subdirectory); must survive a restart, should be on the install's file system so that
 *        backups are hard links and staged files are renamed rather than copied
 * @param manifestLocation where the manifest was read from; relative package URLs resolve
 *        against it (null: URLs must be absolute)
 * @param forceFull always take the full package, even when the install is at the release
 * @param dryRun return the plan without downloading or changing anything
 */
public record ApplyRequest(Path installDir, Path workDir, Arch arch, ReleaseManifest manifest, URI manifestLocation,
        boolean forceFull, boolean dryRun) {

    public ApplyRequest {
        Objects.requireNonNull(installDir, "installDir");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(manifest, "manifest");
        installDir = installDir.toAbsolutePath().normalize();
        workDir = workDir.toAbsolutePath().normalize();
        if (workDir.startsWith(installDir)) {
            throw new IllegalArgumentException("the work dir must not be inside the install: " + workDir);
        }
    }

    public static ApplyRequest of(Path installDir, Path workDir, Arch arch, ReleaseManifest manifest,
            URI manifestLocation) {
        return new ApplyRequest(installDir, workDir, arch, manifest, manifestLocation, false, false);
    }

    public ApplyRequest withForceFull(boolean force) {
        return new ApplyRequest(installDir, workDir, arch, manifest, manifestLocation, force, dryRun);
    }

    public ApplyRequest withDryRun(boolean dry) {
        return new ApplyRequest(installDir, workDir, arch, manifest, manifestLocation, forceFull, dry);
    }
}
