package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.archive.ArchiveIndex;
import dev.patchflow.pkg.archive.SafeExtractor;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;

/**
 * The structural checks the engine makes before it touches an install, run on a local package without
 * applying it ({@code patchctl package verify --deep}): the operations against the install (when one is
 * given), the archive inspected entry by entry against the operations and the limits, every link judged
 * against the install as it will be after the apply (or, without an install, against the package alone),
 * and a real safe extraction into a scratch folder, deleted afterwards. Unlike the engine, which stops at the
 * first refusal, every refusal is collected so that a publisher sees all of them at once. The signature and
 * the hash are {@link dev.patchflow.pkg.crypto.PackageVerifier}'s.
 */
public final class PackageChecks {

    private final PackageLimits limits;

    public PackageChecks(PackageLimits limits) {
        this.limits = limits;
    }

    /**
     * @param refusals every refusal, in the order found; empty when the runner would accept the package
     * @param index what the archive holds (null when it could not be read at all)
     * @param notes facts a publisher should know that are not refusals
     */
    public record Report(List<PackageRefusedException> refusals, ArchiveIndex index, List<String> notes) {

        public boolean accepted() {
            return refusals.isEmpty();
        }
    }

    /**
     * @param install an install to judge the operations and the links against; null: the package alone
     * @param scratch a folder for the trial extraction; created, and deleted afterwards
     */
    public Report check(Path packageFile, PackageArtifact artifact, Path install, Path scratch) throws IOException {
        Operations ops = artifact instanceof PatchPackage p ? p.operations() : null;
        Refusals refusals = Refusals.collecting();
        List<String> notes = new ArrayList<>();
        if (install != null) {
            noteStrategy(artifact, install, notes);
            ApplyPlanner.checkInstall(ops, install, refusals);
        }
        SafeExtractor extractor = new SafeExtractor(limits);
        ArchiveIndex index = null;
        try {
            index = extractor.inspect(packageFile, ApplyPlanner.entryPolicy(ops), refusals);
        } catch (PackageRefusedException e) {
            refusals.add(e); // a limit or a corrupt archive: the rest cannot be read
        }
        if (index != null) {
            ApplyPlanner.checkLinks(ops, index, install, refusals);
            if (refusals.isEmpty()) {
                try {
                    extractor.extract(packageFile, scratch.resolve("staging"), index);
                } catch (PackageRefusedException e) {
                    refusals.add(e);
                } finally {
                    Fs.deleteRecursively(scratch);
                }
            }
        }
        return new Report(refusals.all(), index, notes);
    }

    private static void noteStrategy(PackageArtifact artifact, Path install, List<String> notes) throws IOException {
        if (!Fs.isDirectory(install)) {
            notes.add("install " + install + " does not exist: the runner would install the full package there");
            return;
        }
        Optional<String> marker = ApplyPlanner.readMarker(install);
        if (artifact instanceof PatchPackage p) {
            Optional<SemVer> installed = marker.flatMap(m -> {
                try {
                    return Optional.of(SemVer.parse(m));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            });
            if (installed.isEmpty() || !p.fromRange().contains(installed.get())) {
                notes.add("install " + install + " is at " + marker.orElse("no VERSION") + ", outside the patch's "
                        + "fromRange " + p.fromRange() + ": the runner would take the full package instead");
            }
        }
    }
}
