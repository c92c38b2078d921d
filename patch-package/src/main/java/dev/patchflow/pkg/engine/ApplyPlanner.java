package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.archive.ArchiveIndex;
import dev.patchflow.pkg.archive.EntryPolicy;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.strategy.StrategyDecider;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/**
 * Planning, with every check that decides whether a package may touch an install, in the order they can be
 * made, so that each refusal comes as early and as cheaply as possible:
 * <ol>
 * <li>{@link #plan}: the strategy from the VERSION marker and the manifest (read-only, nothing fetched);</li>
 * <li>{@link #checkInstall}: the operations against the install as it is (no path below a symlink of the
 * install, deletions of the right type), before anything is downloaded;</li>
 * <li>{@link #entryPolicy}: what the archive may hold, applied entry by entry while it streams;</li>
 * <li>{@link #checkLinks}: every link against the install as it will be after the apply
 * ({@link LinkJudge});</li>
 * <li>{@link #steps}: the journaled steps, from the staged package.</li>
 * </ol>
 */
final class ApplyPlanner {

    private ApplyPlanner() {
    }

    /** What {@code apply} would do. Reads the install's marker; writes nothing anywhere. */
    static Plan plan(ApplyRequest req) throws IOException {
        ManifestCodec.requireValid(req.manifest()); // also when built in code rather than parsed
        Path install = req.installDir();
        boolean present = Fs.isDirectory(install);
        Optional<String> markerText = present ? readMarker(install) : Optional.empty();
        Optional<SemVer> installed = markerText.flatMap(ApplyPlanner::parseOrEmpty);
        SemVer release = req.manifest().semVer();
        String installedText = markerText.orElse(null);
        if (!req.forceFull() && installed.isPresent() && installed.get().compareTo(release) >= 0) {
            ApplyResult.Status status = installed.get().equals(release)
                    ? ApplyResult.Status.ALREADY_APPLIED
                    : ApplyResult.Status.SKIPPED;
            return new Plan(new UpgradeStrategy.NoUpgrade(installed.get(), release), installedText, release.toString(),
                    status, null, null, 0);
        }
        UpgradeStrategy strategy = StrategyDecider.decide(present, installed, req.arch(), req.manifest(),
                req.forceFull());
        Operations ops = strategy instanceof UpgradeStrategy.PatchUpgrade p ? p.patch().operations() : null;
        PackageArtifact artifact = strategy.artifact();
        return new Plan(strategy, installedText, release.toString(), ApplyResult.Status.APPLIED, artifact, ops,
                artifact.size());
    }

    /** The install's VERSION marker, trimmed; empty if there is none. */
    static Optional<String> readMarker(Path installDir) throws IOException {
        Path marker = installDir.resolve(PackagePaths.VERSION_MARKER);
        if (!Files.isRegularFile(marker, Fs.NOFOLLOW)) {
            return Optional.empty();
        }
        return Optional.of(Files.readString(marker, StandardCharsets.UTF_8).trim());
    }

    private static Optional<SemVer> parseOrEmpty(String text) {
        try {
            return Optional.of(SemVer.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The operations against the install as it is: no operation path lies below a symlink of the install (it
     * could point anywhere), {@code deleteFiles} names no directory, {@code deleteDirectories} no file. Needs no
     * package bytes. {@code ops} null (a full upgrade) has nothing to check.
     */
    static void checkInstall(Operations ops, Path install, Refusals refusals) {
        if (ops == null || !Fs.isDirectory(install)) {
            return;
        }
        Set<String> checkedAncestors = new HashSet<>();
        for (String p : ops.allPaths().toList()) {
            for (String ancestor : EntryPolicy.ancestorsOf(p)) {
                if (checkedAncestors.add(ancestor) && Files.isSymbolicLink(install.resolve(ancestor))) {
                    refusals.refuse(Reason.STRUCTURE_MISMATCH,
                            "'" + p + "' lies below '" + ancestor + "', a symlink in the install");
                }
            }
        }
        for (String f : ops.deleteFiles()) {
            if (Fs.isDirectory(install.resolve(f))) {
                refusals.refuse(Reason.STRUCTURE_MISMATCH,
                        "deleteFiles names '" + f + "' but it is a directory in the install");
            }
        }
        for (String d : ops.deleteDirectories()) {
            Path p = install.resolve(d);
            if (Fs.exists(p) && !Fs.isDirectory(p)) {
                refusals.refuse(Reason.STRUCTURE_MISMATCH,
                        "deleteDirectories names '" + d + "' but it is not a directory in the install");
            }
        }
    }

    /** What the archive may hold: the content the operations name, or any tree for a full package. */
    static EntryPolicy entryPolicy(Operations ops) {
        return ops == null ? EntryPolicy.anyTree() : EntryPolicy.forOperations(ops);
    }

    /** Every link against the install as it will be after the apply (see {@link LinkJudge}). */
    static void checkLinks(Operations ops, ArchiveIndex index, Path install, Refusals refusals) throws IOException {
        LinkJudge.check(install, index, ops, refusals);
    }

    /**
     * The steps, the VERSION marker last (staged into {@code versionFile}): for a patch, deletions of files, of
     * directories, replacements of directories, of files; for a full package, CREATE_INSTALL if missing,
     * deletion of every top-level entry the package lacks but the install's {@link PackagePaths#INSTALL_DESCRIPTOR},
     * replacement of every one it has.
     */
    static List<Step> steps(Operations ops, Path staging, Path install, String version, Path versionFile)
            throws IOException {
        List<Step> steps = ops != null ? patchSteps(ops, staging) : fullSteps(staging, install);
        writeStagedMarker(versionFile, install, version);
        steps.add(new Step(StepKind.WRITE_VERSION, PackagePaths.VERSION_MARKER, versionFile));
        return steps;
    }

    private static List<Step> patchSteps(Operations ops, Path staging) {
        List<Step> steps = new ArrayList<>();
        ops.deleteFiles().forEach(p -> steps.add(new Step(StepKind.DELETE, p, null)));
        ops.deleteDirectories().forEach(p -> steps.add(new Step(StepKind.DELETE, p, null)));
        ops.replaceDirectories().forEach(p -> steps.add(new Step(StepKind.REPLACE_DIRECTORY, p, staging.resolve(p))));
        ops.replaceFiles().forEach(p -> steps.add(new Step(StepKind.REPLACE_FILE, p, staging.resolve(p))));
        return steps;
    }

    private static List<Step> fullSteps(Path staging, Path install) throws IOException {
        List<Step> steps = new ArrayList<>();
        List<String> staged = list(staging);
        if (!Fs.exists(install)) {
            if (install.getParent() == null || !Fs.isDirectory(install.getParent())) {
                throw new IOException("the parent of the install directory does not exist: " + install.getParent());
            }
            steps.add(new Step(StepKind.CREATE_INSTALL, "", null));
        } else {
            for (String name : list(install)) {
                if (!staged.contains(name) && !name.equals(PackagePaths.INSTALL_DESCRIPTOR)) {
                    steps.add(new Step(StepKind.DELETE, name, null));
                }
            }
        }
        for (String name : staged) {
            Path s = staging.resolve(name);
            steps.add(new Step(Fs.isDirectory(s) ? StepKind.REPLACE_DIRECTORY : StepKind.REPLACE_FILE, name, s));
        }
        return steps;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(PackagePaths.VERSION_MARKER))
                    .sorted()
                    .toList();
        }
    }

    private static void writeStagedMarker(Path versionFile, Path install, String version) throws IOException {
        Path marker = install.resolve(PackagePaths.VERSION_MARKER);
        Set<PosixFilePermission> mode = Files.isRegularFile(marker, Fs.NOFOLLOW) ? Fs.mode(marker) : Fs.fromBits(0644);
        Files.writeString(versionFile, version + "\n", StandardCharsets.UTF_8);
        Fs.setMode(versionFile, mode);
    }
}
