package dev.patchflow.pkg.engine;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.Refusals;
import dev.patchflow.pkg.archive.ArchiveIndex;
import dev.patchflow.pkg.archive.SafeExtractor;
import dev.patchflow.pkg.crypto.PackageVerifier;
import dev.patchflow.pkg.crypto.TrustedKeySource;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.source.Downloader;
import dev.patchflow.pkg.source.FilePackageSource;
import dev.patchflow.pkg.source.HttpPackageSource;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.pkg.source.ProgressListener;

/**
 * Applies a release to one install, safely, in three parts a reader finds by name:
 * <ol>
 * <li>{@link ApplyPlanner}: the plan and every check, each as early as it can be made: strategy (read-only),
 * operations against the install, then (in this class) the signature of the manifest entry before the
 * download, the download (size-limited), size and SHA-256 streamed, the archive inspected entry by entry
 * against the operations and the limits without writing, links judged against the install as it will be
 * after the apply; only then the extraction into a staging dir and the steps;</li>
 * <li>{@link JournaledApply}: for each step, a journal line (fsync'd) <em>before</em> anything, then a
 * backup of whatever is at the path, then the change (atomic rename); the VERSION marker last; COMMIT;
 * clean-up;</li>
 * <li>{@link Recovery}: rollback of a failed apply from its journal and backups, and {@link #recover} of
 * what a killed process left (rolled back, or completed after COMMIT).</li>
 * </ol>
 * One apply per install at a time (a file lock in the work area).
 */
public final class PackageEngine {

    private final PackageSource source;
    private final PackageVerifier verifier;
    private final PackageLimits limits;
    private final ProgressListener progress;
    private final JournaledApply journaled;

    private PackageEngine(Builder b) {
        this.source = b.source;
        this.verifier = new PackageVerifier(b.trustedKeys, b.allowUnsigned);
        this.limits = b.limits;
        this.progress = b.progress;
        this.journaled = new JournaledApply(b.hooks);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Engine settings; every one has a safe default except the trusted keys (none: every signed package is refused). */
    public static final class Builder {

        private PackageSource source = PackageSource.firstOf(new FilePackageSource(), new HttpPackageSource());
        private TrustedKeySource trustedKeys = TrustedKeySource.of(TrustedKeys.none());
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
            this.trustedKeys = TrustedKeySource.of(keys);
            return this;
        }

        /** Keys looked up at each verification, e.g. {@link TrustedKeySource#directory} (no restart to add one). */
        public Builder trustedKeys(TrustedKeySource keys) {
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

    /** The dry run: what {@link #apply} would do. Reads the install's marker; writes nothing anywhere. */
    public Plan plan(ApplyRequest req) throws IOException {
        return ApplyPlanner.plan(req);
    }

    /** The install's VERSION marker, trimmed; empty if there is none. */
    public static Optional<String> readMarker(Path installDir) throws IOException {
        return ApplyPlanner.readMarker(installDir);
    }

    /**
     * Brings the install to the manifest's release. Returns ALREADY_APPLIED, SKIPPED or DRY_RUN without
     * writing anything; APPLIED after a committed apply.
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
        Refusals refusals = Refusals.failFast();
        List<Step> steps;
        String keyId;
        String sha256;
        try {
            work.clearScratch();
            Files.createDirectories(work.dir);
            ApplyPlanner.checkInstall(plan.operations(), install, refusals);
            keyId = verifier.verifySignature(req.manifest(), req.arch(), plan.artifact());
            URI uri = resolve(req.manifestLocation(), plan.artifact().url());
            new Downloader(source, limits.maxPackageBytes()).download(uri, plan.artifact().size(), work.download,
                    progress);
            sha256 = PackageVerifier.verifyContent(work.download, plan.artifact());
            SafeExtractor extractor = new SafeExtractor(limits);
            ArchiveIndex index = extractor.inspect(work.download, ApplyPlanner.entryPolicy(plan.operations()),
                    refusals);
            ApplyPlanner.checkLinks(plan.operations(), index, install, refusals);
            extractor.extract(work.download, work.staging, index);
            Files.delete(work.download);
            steps = ApplyPlanner.steps(plan.operations(), work.staging, install, plan.targetVersion(),
                    work.versionFile);
        } catch (IOException | RuntimeException | Error e) {
            // Nothing in the install was touched: only the scratch files go (an Error too, e.g. out of memory).
            try {
                work.clearScratch();
            } catch (IOException | RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        journaled.run(work, install, plan, sha256, steps);
        return new ApplyResult(ApplyResult.Status.APPLIED, plan, keyId,
                "applied " + plan.targetVersion() + " (" + (steps.size() - 1) + " steps)");
    }

    /**
     * Finishes whatever an interrupted apply left for this install: rolls back an uncommitted apply from its
     * journal and backups, or completes the clean-up of a committed one. Idempotent; call it for every install
     * before {@link #apply} after a restart.
     */
    public RecoveryResult recover(Path installDir, Path workDir) throws IOException {
        return Recovery.recover(installDir, workDir);
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
}
