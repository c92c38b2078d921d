package dev.patchflow.runner.adapters.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyHooks;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.engine.StepKind;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.PackageFixtures;
import dev.patchflow.runner.support.PackageFixtures.Release;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The package executor over the real engine, with a catalog read from a folder in place of S3: each outcome
 * and each refusal as the {@code ExecutionResult} the runner turns into the event, and the install on disk.
 */
class PackagePatchExecutorTest {

    private static final String MANIFEST = "s3://catalog/releases/1.1.0/manifest.json";

    @TempDir
    Path dir;

    private Path catalog;
    private Path install;
    private Path workDir;
    private KeyPair keys;
    private Release release;
    private Path toTree;

    @BeforeEach
    void release() throws IOException {
        keys = PackageFixtures.newKeys();
        catalog = dir.resolve("catalog");
        release = PackageFixtures.release(dir.resolve("build"), keys.getPrivate(),
                catalog.resolve("releases/1.1.0"));
        toTree = dir.resolve("build/tree-1.1.0");
        install = PackageFixtures.install(dir.resolve("fleet/app-01"));
        workDir = dir.resolve("package-work");
    }

    /** s3://catalog/<key> → the catalog folder, as the S3 adapter reads the catalog bucket. */
    private PackageSource catalogSource() {
        return new PackageSource() {

            @Override
            public boolean supports(URI uri) {
                return "s3".equals(uri.getScheme());
            }

            @Override
            public InputStream open(URI uri) throws IOException {
                if (!"catalog".equals(uri.getAuthority())) {
                    throw new IOException(uri + " is outside the patch catalog bucket 'catalog'");
                }
                Path file = catalog.resolve(uri.getPath().substring(1));
                if (!Files.exists(file)) {
                    throw new NoSuchFileException(uri.toString());
                }
                return Files.newInputStream(file);
            }
        };
    }

    private PackagePatchExecutor executor(TrustedKeys trusted, PackageLimits limits, ApplyHooks hooks,
            boolean unsignedAllowed) {
        PackageSource source = catalogSource();
        PackageEngine signed = PackageEngine.builder().source(source).trustedKeys(trusted).limits(limits)
                .hooks(hooks).build();
        PackageEngine unsigned = unsignedAllowed
                ? PackageEngine.builder().source(source).trustedKeys(trusted).limits(limits).hooks(hooks)
                        .allowUnsigned(true).build()
                : null;
        return new PackagePatchExecutor(source, signed, unsigned, workDir, 1 << 20);
    }

    private PackagePatchExecutor executor() {
        return executor(TrustedKeys.of(keys.getPublic()), PackageLimits.defaults(), ApplyHooks.NONE, false);
    }

    private ExecutionResult run(PackagePatchExecutor executor, Map<String, String> parameters, boolean dryRun)
            throws IOException {
        return run(executor, parameters, dryRun, Fixtures.directoryTarget("app-01", install.toString()));
    }

    private ExecutionResult run(PackagePatchExecutor executor, Map<String, String> parameters, boolean dryRun,
            Target target) throws IOException {
        PatchSpec patch = new PatchSpec("demo-app", "1.1.0", "package", null, 60, parameters);
        RunContext run = Fixtures.run("run-1", patch, dryRun, Phases.ALL, null);
        Path output = Files.createTempFile(dir, "output-", ".log");
        return executor.execute(new ExecutionRequest(run, target, dryRun, Duration.ofMinutes(1), output));
    }

    private static Map<String, String> manifestOnly() {
        return Map.of("manifest", MANIFEST);
    }

    /** Runs a request that must be refused and checks the install was not touched at all. */
    private ExecutionResult refused(PackagePatchExecutor executor, Map<String, String> parameters)
            throws IOException {
        Map<String, String> before = PackageFixtures.digest(install);
        ExecutionResult result = run(executor, parameters, false);
        assertThat(result.succeeded()).isFalse();
        assertThat(PackageFixtures.digest(install)).isEqualTo(before);
        return result;
    }

    @Test
    void appliesThePatchPackageAndReportsItsStrategyAndVersions() throws IOException {
        ExecutionResult result = run(executor(), manifestOnly(), false);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(result.details()).containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0")
                .containsEntry("manifest", MANIFEST)
                .containsEntry("signedBy", release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow().keyId())
                .doesNotContainKey("recovery");
        assertThat(PackageFixtures.content(install)).isEqualTo(PackageFixtures.content(toTree));
    }

    @Test
    void forceFullTakesTheFullPackage() throws IOException {
        ExecutionResult result = run(executor(), Map.of("manifest", MANIFEST, "forceFull", "true"), false);

        assertThat(result.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(result.details()).containsEntry("strategy", "FullUpgrade").containsEntry("fullReason", "FORCED");
        assertThat(PackageFixtures.content(install)).isEqualTo(PackageFixtures.content(toTree));
    }

    @Test
    void anInstallAlreadyAtTheReleaseIsAlreadyAppliedAndNotTouched() throws IOException {
        assertThat(run(executor(), manifestOnly(), false).status()).isEqualTo(PatchStatus.APPLIED);
        Map<String, String> applied = PackageFixtures.digest(install);

        ExecutionResult again = run(executor(), manifestOnly(), false);

        assertThat(again.succeeded()).isTrue();
        assertThat(again.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
        assertThat(again.details()).containsEntry("strategy", "NoUpgrade")
                .containsEntry("fromVersion", "1.1.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.digest(install)).isEqualTo(applied);
    }

    @Test
    void aNewerInstallIsSkippedNotDowngraded() throws IOException {
        Files.writeString(install.resolve("VERSION"), "2.0.0\n");
        Map<String, String> before = PackageFixtures.digest(install);

        ExecutionResult result = run(executor(), manifestOnly(), false);

        assertThat(result.succeeded()).isTrue();
        assertThat(result.status()).isEqualTo(PatchStatus.SKIPPED);
        assertThat(result.details()).containsEntry("strategy", "NoUpgrade").containsEntry("fromVersion", "2.0.0");
        assertThat(result.details().get("note")).startsWith("not downgraded");
        assertThat(PackageFixtures.digest(install)).isEqualTo(before);
    }

    @Test
    void aDryRunReportsThePlanAndChangesNothing() throws IOException {
        Map<String, String> before = PackageFixtures.digest(install);

        ExecutionResult result = run(executor(), manifestOnly(), true);

        assertThat(result.status()).isEqualTo(PatchStatus.DRY_RUN);
        Operations ops = release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow().operations();
        assertThat(result.details()).containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0")
                .containsEntry("replaceFiles", String.valueOf(ops.replaceFiles().size()))
                .containsEntry("replaceDirectories", String.valueOf(ops.replaceDirectories().size()))
                .containsEntry("deleteFiles", String.valueOf(ops.deleteFiles().size()))
                .containsEntry("deleteDirectories", String.valueOf(ops.deleteDirectories().size()))
                .containsEntry("downloadBytes", String.valueOf(Files.size(release.patchFile())));
        assertThat(ops.count()).isPositive();
        assertThat(PackageFixtures.digest(install)).isEqualTo(before);
        assertThat(workDir).doesNotExist();
    }

    @Test
    void aTamperedPackageIsRefusedForItsHashAndTheInstallIsUntouched() throws IOException {
        byte[] bytes = Files.readAllBytes(release.patchFile());
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(release.patchFile(), bytes);

        ExecutionResult result = refused(executor(), manifestOnly());

        assertThat(result.failureReason()).startsWith("package refused: HASH_MISMATCH");
        assertThat(result.details()).containsEntry("refusal", "HASH_MISMATCH")
                .containsEntry("strategy", "PatchUpgrade")
                .containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0");
    }

    @Test
    void aPackageSignedByAnUntrustedKeyIsRefused() throws IOException {
        ExecutionResult result = refused(
                executor(TrustedKeys.of(PackageFixtures.newKeys().getPublic()), PackageLimits.defaults(),
                        ApplyHooks.NONE, false),
                manifestOnly());

        assertThat(result.failureReason()).startsWith("package refused: UNKNOWN_KEY");
        assertThat(result.details()).containsEntry("refusal", "UNKNOWN_KEY");
    }

    @Test
    void aSignatureThatDoesNotMatchThePackageIsRefused() throws IOException {
        PatchPackage p = release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow();
        // A real signature by the trusted key, but over another entry's statement (the full package's).
        String other = release.manifest().fullFor(PackageFixtures.ARCH).orElseThrow().signature();
        PackageFixtures.rewritePatch(release, new PatchPackage(p.url(), p.sha256(), p.size(), other, p.keyId(),
                p.fromRange(), p.operations(), p.notes()));

        ExecutionResult result = refused(executor(), manifestOnly());

        assertThat(result.details()).containsEntry("refusal", "BAD_SIGNATURE");
    }

    @Test
    void anUnsignedPackageIsRefusedUnlessTheRunnerAllowsItAndThePatchAsks() throws IOException {
        PackageFixtures.describePatchFile(release, release.patchFile(), null);

        assertThat(refused(executor(), manifestOnly()).details()).containsEntry("refusal", "UNSIGNED");
        ExecutionResult notAllowed = refused(executor(), Map.of("manifest", MANIFEST, "allowUnsigned", "true"));
        assertThat(notAllowed.failureReason())
                .contains("allowUnsigned=true refused")
                .contains("patchflow.runner.package.allow-unsigned=false");

        PackagePatchExecutor permissive = executor(TrustedKeys.of(keys.getPublic()), PackageLimits.defaults(),
                ApplyHooks.NONE, true);
        assertThat(refused(permissive, manifestOnly()).details()).containsEntry("refusal", "UNSIGNED");
        ExecutionResult allowed = run(permissive, Map.of("manifest", MANIFEST, "allowUnsigned", "true"), false);
        assertThat(allowed.status()).isEqualTo(PatchStatus.APPLIED);
        assertThat(PackageFixtures.content(install)).isEqualTo(PackageFixtures.content(toTree));
    }

    @Test
    void anArchiveEscapingTheInstallIsRefusedAsUnsafe() throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("bin/app", "#!/bin/sh\necho owned\n");
        entries.put("../../escaped", "outside");
        PackageFixtures.writeRawTarGz(release.patchFile(), entries);
        PackageFixtures.describePatchFile(release, release.patchFile(), keys.getPrivate());

        ExecutionResult result = refused(executor(), manifestOnly());

        assertThat(result.details()).containsEntry("refusal", "UNSAFE_PATH");
        assertThat(dir.resolve("escaped")).doesNotExist();
    }

    @Test
    void aDecompressionBombIsRefusedByTheEntryLimit() throws IOException {
        ExecutionResult result = refused(
                executor(TrustedKeys.of(keys.getPublic()), new PackageLimits(1L << 30, 2, 1L << 30), ApplyHooks.NONE,
                        false),
                manifestOnly());

        assertThat(result.details()).containsEntry("refusal", "ARCHIVE_TOO_LARGE");
    }

    @Test
    void aPackageThatDoesNotMatchItsOperationsIsRefused() throws IOException {
        PatchPackage p = release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow();
        Operations ops = p.operations();
        java.util.List<String> files = new java.util.ArrayList<>(ops.replaceFiles());
        files.add("conf/not-in-package.conf");
        PackageFixtures.rewriteSignedPatch(release, new PatchPackage(p.url(), p.sha256(), p.size(), null, null,
                p.fromRange(),
                new Operations(files, ops.replaceDirectories(), ops.deleteFiles(), ops.deleteDirectories()),
                p.notes()), keys.getPrivate());

        ExecutionResult result = refused(executor(), manifestOnly());

        assertThat(result.details()).containsEntry("refusal", "STRUCTURE_MISMATCH");
    }

    @Test
    void operationsChangedAfterSigningAreRefusedByTheSignature() throws IOException {
        PatchPackage p = release.manifest().patchFor(PackageFixtures.ARCH).orElseThrow();
        Operations ops = p.operations();
        java.util.List<String> deletions = new java.util.ArrayList<>(ops.deleteFiles());
        deletions.add("conf/app.conf");
        PackageFixtures.rewritePatch(release, new PatchPackage(p.url(), p.sha256(), p.size(), p.signature(),
                p.keyId(), p.fromRange(),
                new Operations(ops.replaceFiles(), ops.replaceDirectories(), deletions, ops.deleteDirectories()),
                p.notes()));

        ExecutionResult result = refused(executor(), manifestOnly());

        assertThat(result.details()).containsEntry("refusal", "BAD_SIGNATURE");
    }

    @Test
    void anErrorWhileTheEngineVerifiesEndsTheTargetFailedWithTheInstallUntouched() throws IOException {
        // What a worker out of memory looks like to the executor: an Error out of the engine, not an exception.
        PackageSource failing = new PackageSource() {

            @Override
            public boolean supports(URI uri) {
                return true;
            }

            @Override
            public InputStream open(URI uri) throws IOException {
                if (uri.getPath().endsWith(".tar.gz")) {
                    throw new OutOfMemoryError("Java heap space");
                }
                return catalogSource().open(uri);
            }
        };
        PackageEngine engine = PackageEngine.builder().source(failing).trustedKeys(TrustedKeys.of(keys.getPublic()))
                .build();

        ExecutionResult result = refused(new PackagePatchExecutor(failing, engine, null, workDir, 1 << 20),
                manifestOnly());

        assertThat(result.failureReason()).startsWith("package executor failed: java.lang.OutOfMemoryError: "
                + "Java heap space; the install was not changed or was rolled back");
    }

    @Test
    void anErrorMidApplyIsRolledBackByTheJournalAndTheTargetFails() throws IOException {
        Map<String, String> before = PackageFixtures.digest(install);
        ApplyHooks oom = new ApplyHooks() {

            @Override
            public void afterStep(int n, StepKind kind, String path) {
                if (n == 1) {
                    throw new OutOfMemoryError("Java heap space");
                }
            }
        };

        ExecutionResult result = run(executor(TrustedKeys.of(keys.getPublic()), PackageLimits.defaults(), oom, false),
                manifestOnly(), false);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).startsWith("package apply failed, rolled back to the previous tree")
                .contains("OutOfMemoryError");
        assertThat(result.details()).containsEntry("rolledBack", "true");
        assertThat(PackageFixtures.content(install))
                .isEqualTo(PackageFixtures.content(dir.resolve("build/tree-1.0.0")));
        assertThat(PackageFixtures.digest(install).keySet()).isEqualTo(before.keySet());
    }

    @Test
    void anInvalidOrMissingManifestIsRefusedWithTheReason() throws IOException {
        Files.writeString(release.manifestFile(), "{\"version\": \"not semver\"}");
        assertThat(refused(executor(), manifestOnly()).details()).containsEntry("refusal", "INVALID_MANIFEST");

        ExecutionResult missing = refused(executor(),
                Map.of("manifest", "s3://catalog/releases/9.9.9/manifest.json"));
        assertThat(missing.details()).containsEntry("refusal", "DOWNLOAD_FAILED");
        assertThat(missing.failureReason()).contains("releases/9.9.9/manifest.json");

        ExecutionResult otherBucket = refused(executor(), Map.of("manifest", "s3://patchflow/backups/x.json"));
        assertThat(otherBucket.failureReason()).contains("outside the patch catalog bucket");
    }

    @Test
    void badParametersAndNonDirectoryTargetsFailWithWhatIsWrong() throws IOException {
        assertThat(refused(executor(), Map.of()).failureReason()).startsWith("parameter manifest is missing");
        assertThat(refused(executor(), Map.of("manifest", "file:///etc/passwd")).failureReason())
                .isEqualTo("parameter manifest must be an s3://, http:// or https:// URI, got 'file:///etc/passwd'");
        assertThat(refused(executor(), Map.of("manifest", MANIFEST, "forceFull", "yes")).failureReason())
                .isEqualTo("parameter forceFull must be true or false, got 'yes'");

        ExecutionResult staticTarget = run(executor(), manifestOnly(), false, Fixtures.staticTarget("db-1"));
        assertThat(staticTarget.succeeded()).isFalse();
        assertThat(staticTarget.failureReason()).contains("needs a directory target with an installPath");

        Target noArch = new Target("app-01", "app-01", Target.KIND_DIRECTORY, "dev", "lz", Map.of(), null, "linux",
                "sparc", "installed", install.toString(), "1.0.0", null, null);
        assertThat(run(executor(), manifestOnly(), false, noArch).failureReason())
                .contains("unknown architecture 'sparc'");
    }

    @Test
    void aManifestOfAnotherReleaseThanThePatchVersionIsRefused() throws IOException {
        Map<String, String> before = PackageFixtures.digest(install);
        PatchSpec patch = new PatchSpec("demo-app", "1.2.0", "package", null, 60, manifestOnly());
        RunContext run = Fixtures.run("run-1", patch, false, Phases.ALL, null);

        ExecutionResult result = executor().execute(new ExecutionRequest(run,
                Fixtures.directoryTarget("app-01", install.toString()), false, Duration.ofMinutes(1),
                Files.createTempFile(dir, "output-", ".log")));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).contains("the manifest is release 1.1.0 but the patch version is 1.2.0");
        assertThat(PackageFixtures.digest(install)).isEqualTo(before);
    }

    @Test
    void aStepThatFailsMidApplyIsRolledBackToTheIdenticalTree() throws IOException {
        Map<String, String> before = PackageFixtures.content(install);
        ApplyHooks failAfterSecondStep = new ApplyHooks() {

            @Override
            public void afterStep(int n, StepKind kind, String path) throws IOException {
                if (n == 1) {
                    throw new IOException("disk full (injected)");
                }
            }
        };

        ExecutionResult result = run(
                executor(TrustedKeys.of(keys.getPublic()), PackageLimits.defaults(), failAfterSecondStep, false),
                manifestOnly(), false);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).startsWith("package apply failed, rolled back to the previous tree");
        assertThat(result.details()).containsEntry("rolledBack", "true").containsEntry("strategy", "PatchUpgrade");
        assertThat(PackageFixtures.content(install)).isEqualTo(before);
    }

    @Test
    void describeReportsWhereTheInstallStandsWithoutChangingIt() throws IOException {
        Map<String, String> before = PackageFixtures.digest(install);
        PatchSpec patch = new PatchSpec("demo-app", "1.1.0", "package", null, 60, new HashMap<>(manifestOnly()));

        Map<String, String> details = executor().describe(Fixtures.run("run-1", patch, false, Phases.ALL, null),
                Fixtures.directoryTarget("app-01", install.toString()));

        assertThat(details).containsEntry("strategy", "PatchUpgrade").containsEntry("fromVersion", "1.0.0")
                .containsEntry("toVersion", "1.1.0");
        assertThat(PackageFixtures.digest(install)).isEqualTo(before);
    }
}
