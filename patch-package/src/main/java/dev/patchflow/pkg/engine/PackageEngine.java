package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.archive.SafeExtractor;
import dev.patchflow.pkg.crypto.PackageVerifier;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.source.Downloader;
import dev.patchflow.pkg.source.FilePackageSource;
import dev.patchflow.pkg.source.HttpPackageSource;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.pkg.source.ProgressListener;
import dev.patchflow.pkg.strategy.StrategyDecider;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/**
 * Applies a release to one install, safely:
 * <ol>
 * <li>decide the strategy from the VERSION marker and the manifest (read-only);</li>
 * <li>download into the work dir (size-limited), verify size, SHA-256 and Ed25519 signature;</li>
 * <li>extract into a staging dir under the work dir (path, type and size checks), check the
 * package against the operations and the install;</li>
 * <li>run the steps: for each, a journal line (fsync'd) <em>before</em> anything, then a backup
 * of whatever is at the path, then the change (atomic rename); the VERSION marker last; then a
 * COMMIT line;</li>
 * <li>clean up backups, staging and the journal.</li>
 * </ol>
 * Any failure in step 4 rolls back every begun step from its backup, in reverse, to a tree
 * identical in content and modes. A process killed in step 4 or 5 leaves the journal:
 * {@link #recover} (to be called for the install before anything else) rolls back or, after
 * COMMIT, completes. One apply per install at a time (a file lock in the work area).
 */
public final class PackageEngine {

    private static final String TMP = "tmp";
    private static final String NEW = "new";
    private static final String OLD = "old";
    private static final String RESTORE = "restore";

    private final PackageSource source;
    private final PackageVerifier verifier;
    private final PackageLimits limits;
    private final ProgressListener progress;
    private final ApplyHooks hooks;

    private PackageEngine(Builder b) {
        this.source = b.source;
        this.verifier = new PackageVerifier(b.trustedKeys, b.allowUnsigned);
        this.limits = b.limits;
        this.progress = b.progress;
        this.hooks = b.hooks;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Engine settings; every one has a safe default except the trusted keys (none: every signed package is refused). */
    public static final class Builder {

        private PackageSource source = PackageSource.firstOf(new FilePackageSource(), new HttpPackageSource());
        private TrustedKeys trustedKeys = TrustedKeys.none();
        private boolean allowUnsigned;
        private PackageLimits limits = PackageLimits.defaults();
        private ProgressListener progress = ProgressListener.NONE;
        private ApplyHooks hooks = ApplyHooks.NONE;

        /** Default: file and http(s). The services pass {@code PackageSource.firstOf(s3Adapter, ...)}. */
        public Builder source(PackageSource source) {
            this.source = source;
            return this;
        }

        public Builder trustedKeys(TrustedKeys keys) {
            this.trustedKeys = keys;
            return this;
        }

        /** Accept packages the manifest does not sign. Local demos only. */
        public Builder allowUnsigned(boolean allow) {
            this.allowUnsigned = allow;
            return this;
        }

        public Builder limits(PackageLimits limits) {
            this.limits = limits;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = progress;
            return this;
        }

        public Builder hooks(ApplyHooks hooks) {
            this.hooks = hooks;
            return this;
        }

        public PackageEngine build() {
            return new PackageEngine(this);
        }
    }

    // ------------------------------------------------------------------------------------------ plan

    /** The dry run: what {@link #apply} would do. Reads the install's marker; writes nothing anywhere. */
    public Plan plan(ApplyRequest req) throws IOException {
        ManifestCodec.requireValid(req.manifest()); // also when built in code rather than parsed
        Path install = req.installDir();
        boolean present = Fs.isDirectory(install);
        Optional<String> markerText = present ? readMarker(install) : Optional.empty();
        Optional<SemVer> installed = markerText.flatMap(PackageEngine::parseOrEmpty);
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
    public static Optional<String> readMarker(Path installDir) throws IOException {
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

    // ------------------------------------------------------------------------------------------ apply

    /**
     * Brings the install to the manifest's release. Returns ALREADY_APPLIED, SKIPPED or DRY_RUN
     * without writing anything; APPLIED after a committed apply.
     *
     * @throws RecoveryRequiredException an unfinished apply's journal exists: call {@link #recover}
     * @throws PackageRefusedException the package or manifest was refused; the install is untouched
     * @throws ApplyFailedException a step failed; the install was rolled back (see {@code rolledBack()})
     */
    public ApplyResult apply(ApplyRequest req) throws IOException {
        WorkArea work = new WorkArea(req.installDir(), req.workDir());
        requireNoJournal(work);
        Plan plan = plan(req);
        if (plan.outcome() != ApplyResult.Status.APPLIED) {
            return new ApplyResult(plan.outcome(), plan, null, describe(plan));
        }
        if (req.dryRun()) {
            return new ApplyResult(ApplyResult.Status.DRY_RUN, plan, null, describe(plan));
        }
        try (AutoCloseable lock = work.lock()) {
            requireNoJournal(work);
            Plan current = plan(req); // another process may have applied between our first look and the lock
            if (current.outcome() != ApplyResult.Status.APPLIED) {
                return new ApplyResult(current.outcome(), current, null, describe(current));
            }
            return applyLocked(req, work, current);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private ApplyResult applyLocked(ApplyRequest req, WorkArea work, Plan plan) throws IOException {
        Path install = req.installDir();
        List<Planned> steps;
        PackageVerifier.Verified verified;
        try {
            work.clearScratch();
            Files.createDirectories(work.dir);
            PackageArtifact artifact = plan.artifact();
            URI uri = resolve(req.manifestLocation(), artifact.url());
            new Downloader(source, limits.maxPackageBytes()).download(uri, artifact.size(), work.download, progress);
            verified = verifier.verify(work.download, artifact);
            new SafeExtractor(limits).extract(work.download, work.staging);
            Files.delete(work.download);
            steps = plan.strategy() instanceof UpgradeStrategy.PatchUpgrade
                    ? patchSteps(plan.operations(), work.staging, install)
                    : fullSteps(work.staging, install);
            writeStagedMarker(work, install, plan.targetVersion());
            steps.add(new Planned(StepKind.WRITE_VERSION, PackagePaths.VERSION_MARKER, work.versionFile));
        } catch (IOException | RuntimeException e) {
            work.clearScratch();
            throw e;
        }
        execute(work, install, plan, verified, steps);
        return new ApplyResult(ApplyResult.Status.APPLIED, plan, verified.keyId(),
                "applied " + plan.targetVersion() + " (" + (steps.size() - 1) + " steps)");
    }

    private static String describe(Plan plan) {
        return switch (plan.outcome()) {
            case ALREADY_APPLIED -> "VERSION is already " + plan.targetVersion();
            case SKIPPED -> "installed " + plan.installedVersion() + " is newer than " + plan.targetVersion();
            default -> plan.strategy().getClass().getSimpleName() + " to " + plan.targetVersion() + ", "
                    + plan.downloadBytes() + " bytes to fetch";
        };
    }

    private static URI resolve(URI manifestLocation, String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST, "package URL '" + url + "' is not a URI", e);
        }
        if (uri.isAbsolute()) {
            return uri;
        }
        if (manifestLocation == null) {
            throw new PackageRefusedException(Reason.DOWNLOAD_FAILED,
                    "relative package URL '" + url + "' but no manifest location to resolve it against");
        }
        return manifestLocation.resolve(uri);
    }

    private static void requireNoJournal(WorkArea work) {
        if (Fs.exists(work.journal)) {
            throw new RecoveryRequiredException(
                    "an unfinished apply's journal exists (" + work.journal + "): call recover() first");
        }
    }

    /** A step before it is journaled: {@code source} is the staged content (null for DELETE/CREATE_INSTALL). */
    private record Planned(StepKind kind, String path, Path source) {
    }

    private List<Planned> patchSteps(Operations ops, Path staging, Path install) throws IOException {
        for (String f : ops.replaceFiles()) {
            Path s = staging.resolve(f);
            if (!Fs.exists(s) || Fs.isDirectory(s)) {
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "replaceFiles names '" + f + "' but the package has no such file");
            }
        }
        for (String d : ops.replaceDirectories()) {
            if (!Fs.isDirectory(staging.resolve(d))) {
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "replaceDirectories names '" + d + "' but the package has no such directory");
            }
        }
        checkNoUnnamedContent(ops, staging);
        Set<String> checkedAncestors = new HashSet<>();
        for (String p : ops.allPaths().toList()) {
            checkNoSymlinkAncestor(install, p, checkedAncestors);
        }
        for (String f : ops.deleteFiles()) {
            if (Fs.isDirectory(install.resolve(f))) {
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "deleteFiles names '" + f + "' but it is a directory in the install");
            }
        }
        for (String d : ops.deleteDirectories()) {
            Path p = install.resolve(d);
            if (Fs.exists(p) && !Fs.isDirectory(p)) {
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "deleteDirectories names '" + d + "' but it is not a directory in the install");
            }
        }
        List<Planned> steps = new ArrayList<>();
        ops.deleteFiles().forEach(p -> steps.add(new Planned(StepKind.DELETE, p, null)));
        ops.deleteDirectories().forEach(p -> steps.add(new Planned(StepKind.DELETE, p, null)));
        ops.replaceDirectories()
                .forEach(p -> steps.add(new Planned(StepKind.REPLACE_DIRECTORY, p, staging.resolve(p))));
        ops.replaceFiles().forEach(p -> steps.add(new Planned(StepKind.REPLACE_FILE, p, staging.resolve(p))));
        return steps;
    }

    /** Every staged file must be named by replaceFiles or lie below a replaced directory. */
    private static void checkNoUnnamedContent(Operations ops, Path staging) throws IOException {
        Set<String> files = new HashSet<>(ops.replaceFiles());
        Set<String> dirs = new HashSet<>(ops.replaceDirectories());
        Set<String> ancestors = new HashSet<>();
        Stream.concat(ops.replaceFiles().stream(), ops.replaceDirectories().stream()).forEach(p -> {
            for (int slash = p.indexOf('/'); slash > 0; slash = p.indexOf('/', slash + 1)) {
                ancestors.add(p.substring(0, slash));
            }
        });
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(staging)) {
                    continue;
                }
                String rel = staging.relativize(p).toString().replace('\\', '/');
                if (files.contains(rel) || dirs.contains(rel) || ancestors.contains(rel) && Fs.isDirectory(p)
                        || belowAny(rel, dirs)) {
                    continue;
                }
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "the package holds '" + rel + "', which no operation names");
            }
        }
    }

    private static boolean belowAny(String rel, Set<String> dirs) {
        for (int slash = rel.indexOf('/'); slash > 0; slash = rel.indexOf('/', slash + 1)) {
            if (dirs.contains(rel.substring(0, slash))) {
                return true;
            }
        }
        return false;
    }

    /** A path below a symlink of the install could reach outside it: refused. */
    private static void checkNoSymlinkAncestor(Path install, String path, Set<String> checked) {
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String ancestor = path.substring(0, slash);
            if (checked.add(ancestor) && Files.isSymbolicLink(install.resolve(ancestor))) {
                throw new PackageRefusedException(Reason.STRUCTURE_MISMATCH,
                        "'" + path + "' lies below '" + ancestor + "', a symlink in the install");
            }
        }
    }

    /** A full package replaces every top-level entry (except the marker) and removes those it lacks. */
    private List<Planned> fullSteps(Path staging, Path install) throws IOException {
        List<Planned> steps = new ArrayList<>();
        List<String> staged = list(staging);
        if (!Fs.exists(install)) {
            if (install.getParent() == null || !Fs.isDirectory(install.getParent())) {
                throw new IOException("the parent of the install directory does not exist: " + install.getParent());
            }
            steps.add(new Planned(StepKind.CREATE_INSTALL, "", null));
        } else {
            for (String name : list(install)) {
                if (!staged.contains(name)) {
                    steps.add(new Planned(StepKind.DELETE, name, null));
                }
            }
        }
        for (String name : staged) {
            Path s = staging.resolve(name);
            steps.add(new Planned(Fs.isDirectory(s) ? StepKind.REPLACE_DIRECTORY : StepKind.REPLACE_FILE, name, s));
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

    private static void writeStagedMarker(WorkArea work, Path install, String version) throws IOException {
        Path marker = install.resolve(PackagePaths.VERSION_MARKER);
        Set<PosixFilePermission> mode = Files.isRegularFile(marker, Fs.NOFOLLOW) ? Fs.mode(marker) : Fs.fromBits(0644);
        Files.writeString(work.versionFile, version + "\n", StandardCharsets.UTF_8);
        Fs.setMode(work.versionFile, mode);
    }

    /** Steps per journal batch: one fsync of the journal and of the backups per batch, not per step. */
    private static final int BATCH = 512;

    /**
     * Runs the steps in batches. For each batch: its journal lines are written and fsync'd, then the
     * backups of its paths are taken and made durable, then its changes are made (each an atomic
     * rename), then the directories it changed are fsync'd. So every step is journaled and backed
     * up before it happens, and rollback (idempotent per step) can undo a batch in any state. The
     * VERSION marker is a batch of its own, after every other change is durable; COMMIT follows it.
     */
    private void execute(WorkArea work, Path install, Plan plan, PackageVerifier.Verified verified,
            List<Planned> steps) throws IOException {
        Files.createDirectories(work.backup);
        Fs.fsyncTree(work.staging); // staged content is renamed into the install: make it durable first
        Journal journal = Journal.create(work.journal);
        try {
            journal.append(JournalEntry.begin(plan.targetVersion(), plan.installedVersion(),
                    plan.strategy().getClass().getSimpleName(), verified.sha256()));
            int last = steps.size() - 1; // the VERSION marker
            for (int from = 0; from < last; from += BATCH) {
                runBatch(journal, work, install, steps, from, Math.min(from + BATCH, last));
            }
            runBatch(journal, work, install, steps, last, last + 1);
            journal.append(JournalEntry.commit());
            journal.close();
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(journal);
            boolean rolledBack;
            try {
                rollback(work, install);
                rolledBack = true;
            } catch (IOException | RuntimeException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
                rolledBack = false;
            }
            throw new ApplyFailedException("apply of " + plan.targetVersion() + " to " + install + " failed: " + e
                    + (rolledBack ? "; rolled back" : "; rollback incomplete, call recover()"), e, rolledBack);
        }
        hooks.afterCommit();
        finishCommitted(work, install);
    }

    private void runBatch(Journal journal, WorkArea work, Path install, List<Planned> steps, int from, int to)
            throws IOException {
        List<Path> targets = new ArrayList<>();
        List<List<String>> created = new ArrayList<>();
        Set<String> willCreate = new HashSet<>();
        for (int n = from; n < to; n++) {
            Planned step = steps.get(n);
            Path target = step.kind() == StepKind.CREATE_INSTALL ? install : install.resolve(step.path());
            List<String> createdDirs = step.kind() == StepKind.CREATE_INSTALL
                    ? List.of()
                    : missingParents(install, step.path());
            createdDirs = createdDirs.stream().filter(willCreate::add).toList();
            targets.add(target);
            created.add(createdDirs);
            journal.write(JournalEntry.step(n, step.kind(), step.path(), Fs.exists(target), createdDirs));
        }
        journal.sync();
        // backups are independent of each other: take them in parallel (hard links, or copies)
        java.util.Map<Path, Integer> stepOf = new java.util.LinkedHashMap<>();
        for (int n = from; n < to; n++) {
            stepOf.put(targets.get(n - from), n);
        }
        Fs.forEachParallel(stepOf.keySet(), target -> backup(work, stepOf.get(target), target));
        Fs.fsyncDirectory(work.backup);
        Set<Path> changedDirs = new java.util.LinkedHashSet<>();
        for (int n = from; n < to; n++) {
            Planned step = steps.get(n);
            Path target = targets.get(n - from);
            hooks.beforeStep(n, step.kind(), step.path());
            perform(step, target, install, created.get(n - from));
            changedDirs.add(target.getParent());
            created.get(n - from).forEach(d -> changedDirs.add(install.resolve(d).getParent()));
            hooks.afterStep(n, step.kind(), step.path());
        }
        Fs.fsyncAll(changedDirs);
    }

    private static void closeQuietly(Journal journal) {
        try {
            journal.close();
        } catch (IOException ignored) {
            // the lines that matter were fsync'd already
        }
    }

    private static List<String> missingParents(Path install, String path) {
        List<String> missing = new ArrayList<>();
        for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
            String ancestor = path.substring(0, slash);
            if (!Fs.exists(install.resolve(ancestor))) {
                missing.add(ancestor);
            }
        }
        return missing;
    }

    // ------------------------------------------------------------------------------------------ steps

    private static Path sibling(Path target, String what) {
        return target.resolveSibling("." + target.getFileName() + ".pf-" + what);
    }

    /** Copies (hard-links where possible) whatever is at {@code target} to backup/n, atomically complete. */
    private static boolean backup(WorkArea work, int n, Path target) throws IOException {
        if (!Fs.exists(target)) {
            return false;
        }
        Path partial = work.backup.resolve(n + ".partial");
        Fs.deleteRecursively(partial);
        Fs.copyTree(target, partial, true);
        Files.move(partial, work.backupOf(n), StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static void perform(Planned step, Path target, Path install, List<String> createdDirs) throws IOException {
        for (String dir : createdDirs) {
            Files.createDirectory(install.resolve(dir));
        }
        switch (step.kind()) {
            case CREATE_INSTALL -> {
                Files.createDirectory(install);
                Fs.fsyncDirectory(install.getParent());
            }
            case REPLACE_FILE, WRITE_VERSION ->
                replaceFile(step.source(), target, step.kind() == StepKind.WRITE_VERSION);
            case REPLACE_DIRECTORY -> replaceDirectory(step.source(), target);
            case DELETE -> delete(target);
        }
    }

    private static void replaceFile(Path staged, Path target, boolean keepStaged) throws IOException {
        Path tmp = sibling(target, TMP);
        Fs.deleteRecursively(tmp);
        if (Files.isSymbolicLink(staged)) {
            Files.createSymbolicLink(tmp, Files.readSymbolicLink(staged));
        } else {
            if (keepStaged) {
                Files.copy(staged, tmp, StandardCopyOption.COPY_ATTRIBUTES);
                Fs.fsync(tmp);
            } else {
                moveOrCopy(staged, tmp); // staged content was fsync'd; a cross-device copy is fsync'd by copyTree
            }

        }
        if (Fs.isDirectory(target)) {
            moveAway(target); // a directory becomes a file; its backup is taken
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE); // the batch fsyncs the directory
    }

    private static void replaceDirectory(Path staged, Path target) throws IOException {
        Path fresh = sibling(target, NEW);
        Fs.deleteRecursively(fresh);
        moveOrCopy(staged, fresh);
        if (Fs.exists(target)) {
            Path old = sibling(target, OLD);
            Fs.deleteRecursively(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            Fs.deleteRecursively(old);
        } else {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void delete(Path target) throws IOException {
        if (!Fs.exists(target)) {
            return;
        }
        if (Fs.isDirectory(target)) {
            moveAway(target);
        } else {
            Files.delete(target);
        }
    }

    /** Renames a directory aside in one atomic step, then deletes it. */
    private static void moveAway(Path dir) throws IOException {
        Path old = sibling(dir, OLD);
        Fs.deleteRecursively(old);
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        Fs.deleteRecursively(old);
    }

    /** Rename when work dir and install share a file system, copy otherwise. */
    private static void moveOrCopy(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (e instanceof DirectoryNotEmptyException || !Fs.exists(to)) {
                Fs.deleteRecursively(to);
                Fs.copyTree(from, to, false);
            } else {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ recovery

    /**
     * Finishes whatever an interrupted apply left for this install: rolls back an uncommitted apply
     * from its journal and backups, or completes the clean-up of a committed one. Idempotent; call it
     * for every install before {@link #apply} after a restart.
     */
    public RecoveryResult recover(Path installDir, Path workDir) throws IOException {
        Path install = installDir.toAbsolutePath().normalize();
        WorkArea work = new WorkArea(install, workDir.toAbsolutePath().normalize());
        if (!Fs.exists(work.journal)) {
            return new RecoveryResult(RecoveryResult.Outcome.NOTHING, readMarker(install).orElse(null),
                    "no unfinished apply");
        }
        try (AutoCloseable lock = work.lock()) {
            List<JournalEntry> entries = Journal.read(work.journal);
            boolean committed = entries.stream().anyMatch(e -> JournalEntry.COMMIT.equals(e.type()));
            String version = entries.stream()
                    .filter(e -> JournalEntry.BEGIN.equals(e.type()))
                    .map(JournalEntry::version)
                    .findFirst()
                    .orElse("?");
            if (committed) {
                finishCommitted(work, install);
                return new RecoveryResult(RecoveryResult.Outcome.COMPLETED, readMarker(install).orElse(null),
                        "apply of " + version + " had committed; clean-up finished");
            }
            long begun = entries.stream().filter(e -> JournalEntry.STEP.equals(e.type())).count();
            rollback(work, install);
            return new RecoveryResult(RecoveryResult.Outcome.ROLLED_BACK, readMarker(install).orElse(null),
                    "apply of " + version + " was interrupted after " + begun + " begun step(s); rolled back");
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** Undoes every journaled step, last first. Each undo is idempotent, so a crash here is recovered by running it again. */
    private static void rollback(WorkArea work, Path install) throws IOException {
        List<JournalEntry> steps = Journal.read(work.journal)
                .stream()
                .filter(e -> JournalEntry.STEP.equals(e.type()))
                .toList();
        Set<Path> changedDirs = new java.util.LinkedHashSet<>();
        for (int i = steps.size() - 1; i >= 0; i--) {
            undo(work, install, steps.get(i), changedDirs);
        }
        Fs.fsyncAll(changedDirs.stream().filter(Fs::isDirectory).toList());
        Files.delete(work.journal);
        Fs.fsyncDirectory(work.dir);
        work.clearScratch();
    }

    private static void undo(WorkArea work, Path install, JournalEntry step, Set<Path> changedDirs)
            throws IOException {
        if (step.op() == StepKind.CREATE_INSTALL) {
            Fs.deleteRecursively(install);
            changedDirs.add(install.getParent());
            return;
        }
        Path target = PackagePaths.resolve(install, step.path());
        if (Fs.exists(target.getParent())) {
            for (String what : List.of(TMP, NEW, OLD, RESTORE)) {
                Fs.deleteRecursively(sibling(target, what));
            }
        }
        Path backup = work.backupOf(step.n());
        if (Boolean.TRUE.equals(step.existed())) {
            if (Fs.exists(backup)) {
                restore(backup, target);
            }
            // no complete backup: the change never started, the original is untouched
        } else {
            Fs.deleteRecursively(target);
            List<String> created = step.createdDirs() == null ? List.of() : step.createdDirs();
            for (int i = created.size() - 1; i >= 0; i--) {
                Fs.deleteIfEmptyDirectory(install.resolve(created.get(i)));
            }
        }
        changedDirs.add(target.getParent());
        if (step.createdDirs() != null) {
            step.createdDirs().forEach(d -> changedDirs.add(install.resolve(d).getParent()));
        }
    }

    /** Puts the backup back in one rename (a copy/link of it is staged beside the target first). */
    private static void restore(Path backup, Path target) throws IOException {
        if (Fs.exists(target) && !Fs.isDirectory(target) && !Files.isSymbolicLink(target)
                && Files.isSameFile(target, backup)) {
            return; // still the original inode (the backup is a hard link to it): never changed in place
        }
        Path staged = sibling(target, RESTORE);
        Fs.deleteRecursively(staged);
        Fs.copyTree(backup, staged, true);
        if (Fs.isDirectory(staged)) {
            Fs.fsyncTree(staged);
        }
        if (Fs.isDirectory(target) || Fs.isDirectory(staged) && Fs.exists(target)) {
            Path old = sibling(target, OLD);
            Fs.deleteRecursively(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            Fs.deleteRecursively(old);
        } else {
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** After COMMIT: remove leftovers of the steps (renamed-away old trees), backups, staging, then the journal. */
    private static void finishCommitted(WorkArea work, Path install) throws IOException {
        for (JournalEntry step : Journal.read(work.journal)) {
            if (JournalEntry.STEP.equals(step.type()) && step.op() != StepKind.CREATE_INSTALL) {
                Path target = PackagePaths.resolve(install, step.path());
                for (String what : List.of(TMP, NEW, OLD, RESTORE)) {
                    Fs.deleteRecursively(sibling(target, what));
                }
            }
        }
        work.clearScratch();
        Files.delete(work.journal);
        Fs.fsyncDirectory(work.dir);
    }
}
