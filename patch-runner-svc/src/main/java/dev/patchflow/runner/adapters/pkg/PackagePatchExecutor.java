package dev.patchflow.runner.adapters.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.engine.ApplyFailedException;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.engine.Plan;
import dev.patchflow.pkg.engine.RecoveryRequiredException;
import dev.patchflow.pkg.engine.RecoveryResult;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.pkg.strategy.UpgradeStrategy;
import dev.patchflow.runner.adapters.sql.SqlSchemaPatchExecutor;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;
import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * {@code executor: package}: brings a directory target to the release of a signed package's manifest with the
 * {@code patch-package} engine (verified download, safe extraction, journaled apply that rolls back on
 * failure). Parameters: {@code manifest} (s3:// in the patch catalog bucket, or http(s)://), optional
 * {@code forceFull}, optional {@code allowUnsigned} (honoured only when the runner allows it).
 * <p>
 * Every execution first recovers the install from an apply a dead process left unfinished, and reports what
 * that recovery did ({@code details.recovery} ROLLED_BACK = old tree, COMPLETED = new tree), including a
 * recovery done at service start ({@link #recoverInterrupted}).
 * <p>
 * The target's timeout is not enforced here: a journaled apply is not cut short (the lease only bounds how
 * long another runner waits), and an apply of the same install by another process fails on the engine's
 * lock instead of running twice.
 */
public final class PackagePatchExecutor implements PatchExecutor {

    public static final String NAME = "package";
    public static final String PARAM_MANIFEST = "manifest";
    public static final String PARAM_FORCE_FULL = "forceFull";
    public static final String PARAM_ALLOW_UNSIGNED = "allowUnsigned";

    private static final Logger LOG = Logger.getLogger(PackagePatchExecutor.class);
    private static final Set<String> MANIFEST_SCHEMES = Set.of("s3", "http", "https");

    private final PackageSource source;
    private final PackageEngine signedOnly;
    private final PackageEngine unsignedAllowed;
    private final Path workDir;
    private final int maxManifestBytes;
    private final RecoveryNotes notes;

    /**
     * @param source where manifests are read (the engines read packages through their own, the same one)
     * @param signedOnly the engine for every request that does not ask for unsigned packages
     * @param unsignedAllowed the engine for {@code allowUnsigned=true}; null when the runner does not allow it
     * @param workDir the package work area (one sub-area per install); never inside an install
     */
    public PackagePatchExecutor(PackageSource source, PackageEngine signedOnly, PackageEngine unsignedAllowed,
            Path workDir, int maxManifestBytes) {
        this.source = source;
        this.signedOnly = signedOnly;
        this.unsignedAllowed = unsignedAllowed;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.maxManifestBytes = maxManifestBytes;
        this.notes = new RecoveryNotes(this.workDir);
    }

    /** The schema step: a release may carry a desired schema beside its files (parameter {@code schemaFile}). */
    public static final String PARAM_SCHEMA_FILE = "schemaFile";
    public static final String DEFAULT_SCHEMA_FILE = "db/schema.sql";

    private SqlSchemaPatchExecutor schema;
    private SchemaStepHooks schemaHooks;

    /**
     * Lets a release carry a desired schema: for a target that also has {@code database} facts, once the files are
     * in place (before COMMIT) the new tree's schema file goes through {@code schema}; if that fails the engine
     * rolls the files back and the event says so. The engines must have been built with {@code hooks}.
     */
    PackagePatchExecutor withSchemaStep(SqlSchemaPatchExecutor schema, SchemaStepHooks hooks) {
        this.schema = schema;
        this.schemaHooks = hooks;
        return this;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        long started = System.nanoTime();
        Map<String, String> details = new TreeMap<>();
        try (PrintWriter log = new PrintWriter(Files.newBufferedWriter(request.output(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            return execute(request, details, log, started);
        } catch (IOException e) {
            return ExecutionResult.failure("package executor cannot write its output: " + e.getMessage(), null,
                    elapsed(started), details);
        }
    }

    private ExecutionResult execute(ExecutionRequest request, Map<String, String> details, PrintWriter log,
            long started) {
        Inputs in;
        try {
            in = Inputs.of(request.run().patch(), request.target());
        } catch (IllegalArgumentException e) {
            log.println("refused: " + e.getMessage());
            return ExecutionResult.failure(e.getMessage(), null, elapsed(started), details);
        }
        details.put("manifest", in.manifest().toString());
        if (in.allowUnsigned() && unsignedAllowed == null) {
            String reason = "parameter allowUnsigned=true refused: unsigned packages are not allowed on this runner "
                    + "(patchflow.runner.package.allow-unsigned=false)";
            log.println("refused: " + reason);
            return ExecutionResult.failure(reason, null, elapsed(started), details);
        }
        PackageEngine engine = in.allowUnsigned() ? unsignedAllowed : signedOnly;
        try {
            recover(engine, in.install(), details, log);
            ReleaseManifest manifest = fetchManifest(in.manifest());
            details.put("toVersion", manifest.version());
            log.println("manifest " + in.manifest() + ": release " + manifest.version());
            requireSameVersion(request.run().patch(), manifest);
            ApplyRequest applyRequest = new ApplyRequest(in.install(), workDir, in.arch(), manifest, in.manifest(),
                    in.forceFull(), request.dryRun());
            // The plan first (read-only): the event names the strategy even when the apply is refused.
            putPlan(details, engine.plan(applyRequest));
            if (schema != null && schemaHooks != null && request.target().database() != null) {
                Path install = in.install();
                String file = request.run().patch().parameters().getOrDefault(PARAM_SCHEMA_FILE,
                        DEFAULT_SCHEMA_FILE);
                schemaHooks.during(() -> schemaStep(request, install, file, details, log));
            }
            ApplyResult result;
            try {
                result = engine.apply(applyRequest);
            } finally {
                if (schemaHooks != null) {
                    schemaHooks.done();
                }
            }
            putPlan(details, result.plan());
            if (result.signedBy() != null) {
                details.put("signedBy", result.signedBy());
            }
            log.println(result.status() + ": " + result.message());
            return ExecutionResult.success(status(result, details), elapsed(started), details);
        } catch (PackageRefusedException e) {
            details.put("refusal", e.reason().name());
            log.println("refused, install untouched: " + e.getMessage());
            return ExecutionResult.failure("package refused: " + e.getMessage(), null, elapsed(started), details);
        } catch (ApplyFailedException e) {
            details.put("rolledBack", String.valueOf(e.rolledBack()));
            String state = e.rolledBack()
                    ? "rolled back to the previous tree"
                    : "NOT rolled back: the journal is kept and the next execution recovers the install first";
            log.println("apply failed, " + state + ": " + e.getMessage());
            return ExecutionResult.failure("package apply failed, " + state + ": " + e.getMessage(), null,
                    elapsed(started), details);
        } catch (RecoveryRequiredException e) {
            log.println(e.getMessage());
            return ExecutionResult.failure("an unfinished apply blocks this install: " + e.getMessage(), null,
                    elapsed(started), details);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The engine's per-install lock held by another process, or a work dir inside the install.
            log.println(e.getMessage());
            return ExecutionResult.failure("package executor: " + e.getMessage(), null, elapsed(started), details);
        } catch (IOException e) {
            log.println("I/O error: " + e);
            return ExecutionResult.failure("package executor I/O error: " + e.getMessage(), null, elapsed(started),
                    details);
        } catch (RuntimeException | Error e) {
            // Anything else, an Error included (e.g. OutOfMemoryError on this worker): the engine has rolled back
            // what it began; the journal says what the install is, and the target gets its outcome now.
            String state = recoverAfterFailure(engine, in.install(), details);
            log.println("package executor failed: " + e + state);
            return ExecutionResult.failure("package executor failed: " + e + state, null, elapsed(started), details);
        } finally {
            try {
                // The recovery has been reported in this execution's details.
                notes.clear(in.install());
            } catch (IOException e) {
                LOG.debugf("cannot clear the recovery note of %s: %s", in.install(), e.getMessage());
            }
        }
    }

    /** The release's schema file (new tree, before COMMIT) applied to the target's database; throws to roll back. */
    private void schemaStep(ExecutionRequest request, Path install, String file, Map<String, String> details,
            PrintWriter log) throws IOException {
        Path schemaFile = install.resolve(file).normalize();
        if (!schemaFile.startsWith(install) || !Files.isRegularFile(schemaFile)) {
            details.put("schemaStep", "FAILED");
            throw new IOException("schema step failed: the release has no schema file " + file);
        }
        Map<String, String> schemaDetails = new TreeMap<>();
        log.println("schema step: " + file + " → " + request.target().database().url());
        ExecutionResult result = schema.applyDesired(request, file, Files.readString(schemaFile), schemaDetails, log);
        schemaDetails.forEach((key, value) -> details.put("schema." + key, value));
        if (!result.succeeded()) {
            details.put("schemaStep", "FAILED");
            throw new IOException("schema step failed: " + result.failureReason());
        }
        details.put("schemaStep", result.status() == PatchStatus.ALREADY_APPLIED ? "ALREADY_APPLIED" : "APPLIED");
    }

    /**
     * Finishes an apply a dead process left: rolled back (old tree) or completed (new tree). A recovery done at
     * service start left a note; one done now is reported directly.
     */
    private void recover(PackageEngine engine, Path install, Map<String, String> details, PrintWriter log)
            throws IOException {
        RecoveryResult result = engine.recover(install, workDir);
        if (result.outcome() != RecoveryResult.Outcome.NOTHING) {
            details.put("recovery", result.outcome().name());
            details.put("recoveryDetail", result.detail());
            log.println("recovered an interrupted apply: " + result.outcome() + " (" + result.detail() + ")");
            return;
        }
        Optional<RecoveryNotes.Note> note = notes.read(install);
        if (note.isPresent()) {
            details.put("recovery", note.get().outcome());
            details.put("recoveryDetail", note.get().detail());
            log.println("recovered at service start: " + note.get().outcome() + " (" + note.get().detail() + ")");
        }
    }

    /** After an unexpected failure: recovers from the journal if one is left, and says how the install is. */
    private String recoverAfterFailure(PackageEngine engine, Path install, Map<String, String> details) {
        try {
            RecoveryResult result = engine.recover(install, workDir);
            if (result.outcome() == RecoveryResult.Outcome.NOTHING) {
                return "; the install was not changed or was rolled back";
            }
            details.put("recovery", result.outcome().name());
            details.put("recoveryDetail", result.detail());
            return "; the install was recovered from the journal: " + result.outcome();
        } catch (IOException | RuntimeException | Error recoveryFailure) {
            details.put("recoveryError", String.valueOf(recoveryFailure));
            return "; recovery failed (" + recoveryFailure + "), the next execution recovers the install first";
        }
    }

    /**
     * The engine reports ALREADY_APPLIED when the marker equals the release. After a recovery that COMPLETED an
     * interrupted apply, the marker is the release because that apply (of this or an earlier attempt) committed:
     * the target was applied, not found applied.
     */
    private static PatchStatus status(ApplyResult result, Map<String, String> details) {
        return switch (result.status()) {
            case APPLIED -> PatchStatus.APPLIED;
            case DRY_RUN -> PatchStatus.DRY_RUN;
            case SKIPPED -> {
                details.put("note", "not downgraded: " + result.message());
                yield PatchStatus.SKIPPED;
            }
            case ALREADY_APPLIED -> "COMPLETED".equals(details.get("recovery"))
                    ? PatchStatus.APPLIED
                    : PatchStatus.ALREADY_APPLIED;
        };
    }

    private static void putPlan(Map<String, String> details, Plan plan) {
        UpgradeStrategy strategy = plan.strategy();
        details.put("strategy", strategy.getClass().getSimpleName());
        details.put("fromVersion", plan.installedVersion() == null ? "none" : plan.installedVersion());
        details.put("toVersion", plan.targetVersion());
        if (strategy instanceof UpgradeStrategy.FullUpgrade full) {
            details.put("fullReason", full.reason().name());
        }
        if (plan.artifact() != null) {
            details.put("package", plan.artifact().url());
            details.put("downloadBytes", String.valueOf(plan.downloadBytes()));
        }
        Operations ops = plan.operations();
        if (ops != null) {
            details.put("replaceFiles", String.valueOf(ops.replaceFiles().size()));
            details.put("replaceDirectories", String.valueOf(ops.replaceDirectories().size()));
            details.put("deleteFiles", String.valueOf(ops.deleteFiles().size()));
            details.put("deleteDirectories", String.valueOf(ops.deleteDirectories().size()));
        }
    }

    private ReleaseManifest fetchManifest(URI uri) {
        byte[] bytes;
        try (InputStream in = source.open(uri)) {
            bytes = in.readNBytes(maxManifestBytes + 1);
        } catch (IOException e) {
            throw new PackageRefusedException(Reason.DOWNLOAD_FAILED,
                    "cannot fetch the manifest " + uri + ": " + e.getMessage(), e);
        }
        if (bytes.length > maxManifestBytes) {
            throw new PackageRefusedException(Reason.INVALID_MANIFEST,
                    "manifest " + uri + " is larger than " + maxManifestBytes + " bytes");
        }
        return ManifestCodec.parse(new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * The ledger records the patch's version as applied: a manifest of another release would make it lie about
     * what is installed.
     */
    private static void requireSameVersion(PatchSpec patch, ReleaseManifest manifest) {
        if (patch.version() != null && !patch.version().isBlank()
                && !SemVer.parse(manifest.version()).equals(parseOrNull(patch.version()))) {
            throw new IllegalArgumentException("the manifest is release " + manifest.version()
                    + " but the patch version is " + patch.version());
        }
    }

    private static SemVer parseOrNull(String text) {
        try {
            return SemVer.parse(text.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The ledger says an earlier run applied it: the plan (read-only) says where the install stands. */
    @Override
    public Map<String, String> describe(RunContext run, Target target) {
        Map<String, String> details = new TreeMap<>();
        try {
            Inputs in = Inputs.of(run.patch(), target);
            details.put("manifest", in.manifest().toString());
            ReleaseManifest manifest = fetchManifest(in.manifest());
            putPlan(details, signedOnly.plan(new ApplyRequest(in.install(), workDir, in.arch(), manifest,
                    in.manifest(), in.forceFull(), true)));
        } catch (IOException | RuntimeException e) {
            details.put("planError", String.valueOf(e.getMessage()));
        }
        return details;
    }

    /**
     * At service start: every install a runner was applying a package to when it stopped is rolled back or
     * completed now, before anything is dispatched. A live apply of another runner process on this host holds
     * the install's lock and is left alone.
     */
    @Override
    public void recoverInterrupted(Collection<RunTarget> interrupted) {
        for (RunTarget t : interrupted) {
            String installPath = t.target().installPath();
            if (!Target.KIND_DIRECTORY.equals(t.target().kind()) || installPath == null || installPath.isBlank()) {
                continue;
            }
            Path install = Path.of(installPath).toAbsolutePath().normalize();
            try {
                RecoveryResult result = signedOnly.recover(install, workDir);
                if (result.outcome() != RecoveryResult.Outcome.NOTHING) {
                    notes.write(install, result);
                    LOG.infof("%s: interrupted package apply recovered at start: %s (%s)", t.id(), result.outcome(),
                            result.detail());
                }
            } catch (RecoveryRequiredException | IOException e) {
                LOG.warnf(e, "%s: cannot recover %s at start; its next execution tries again", t.id(), install);
            } catch (IllegalStateException e) {
                LOG.infof("%s: %s is being applied by a live process; not recovered", t.id(), install);
            } catch (RuntimeException e) {
                LOG.warnf(e, "%s: cannot recover %s at start; its next execution tries again", t.id(), install);
            }
        }
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The checked parameters of one execution. */
    record Inputs(URI manifest, boolean forceFull, boolean allowUnsigned, Path install, Arch arch) {

        static Inputs of(PatchSpec patch, Target target) {
            if (!Target.KIND_DIRECTORY.equals(target.kind()) || target.installPath() == null
                    || target.installPath().isBlank()) {
                throw new IllegalArgumentException("the package executor needs a directory target with an "
                        + "installPath; target " + target.id() + " is kind '" + target.kind() + "'");
            }
            if (target.arch() == null || target.arch().isBlank()) {
                throw new IllegalArgumentException("target " + target.id() + " has no arch (x86_64, aarch64)");
            }
            Arch arch;
            try {
                arch = Arch.parse(target.arch());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target " + target.id() + ": " + e.getMessage(), e);
            }
            String text = patch.parameters().get(PARAM_MANIFEST);
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("parameter manifest is missing: the package executor needs the "
                        + "release manifest's location (s3://<catalog-bucket>/<key> or https://…)");
            }
            URI manifest;
            try {
                manifest = new URI(text.trim());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("parameter manifest is not a URI: '" + text + "'", e);
            }
            if (manifest.getScheme() == null || !MANIFEST_SCHEMES.contains(manifest.getScheme().toLowerCase())) {
                throw new IllegalArgumentException(
                        "parameter manifest must be an s3://, http:// or https:// URI, got '" + text + "'");
            }
            return new Inputs(manifest, bool(patch, PARAM_FORCE_FULL), bool(patch, PARAM_ALLOW_UNSIGNED),
                    Path.of(target.installPath()).toAbsolutePath().normalize(), arch);
        }

        private static boolean bool(PatchSpec patch, String name) {
            String value = patch.parameters().get(name);
            if (value == null || value.isBlank()) {
                return false;
            }
            return switch (value.trim().toLowerCase()) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(
                        "parameter " + name + " must be true or false, got '" + value + "'");
            };
        }
    }
}
