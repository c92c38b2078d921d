package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Everything a package can be refused for, each time proving the install is byte-identical (content
 * and mode of every entry) and the work area holds no staged content.
 */
class PackageRefusalTest {

    @TempDir
    Path tmp;
    Path install;
    Path work;
    Fixture fixture;
    Map<String, String> before;

    @BeforeEach
    void setUp() throws Exception {
        install = Installs.v100(tmp.resolve("app"));
        work = tmp.resolve("work");
        fixture = new Fixture(tmp.resolve("repo"));
        before = Trees.digest(install);
    }

    private void assertRefused(PackageEngine engine, ReleaseManifest manifest, Reason reason, String detail) {
        assertThatThrownBy(() -> engine.apply(fixture.request(install, work, manifest)))
                .isInstanceOfSatisfying(PackageRefusedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).contains(detail);
                });
        assertThat(Trees.digest(install)).isEqualTo(before);
        assertThat(Trees.digest(work).keySet()).noneMatch(p -> p.contains("staging/") || p.contains("backup/")
                || p.endsWith(".tar.gz") || p.endsWith("journal.jsonl"));
    }

    private void assertRefused(ReleaseManifest manifest, Reason reason, String detail) {
        assertRefused(fixture.engine(), manifest, reason, detail);
    }

    private ReleaseManifest withPatch(ReleaseManifest m, UnaryOperator<PatchPackage> change) {
        return m.withPatch(Arch.X86_64, change.apply(m.patchFor(Arch.X86_64).orElseThrow()));
    }

    private ReleaseManifest good() {
        return fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());
    }

    // ------------------------------------------------------------------ integrity and signature

    @Test
    void tamperedPackageIsRefusedByItsHash() throws Exception {
        ReleaseManifest m = good();
        Path file = fixture.repo.resolve(m.patchFor(Arch.X86_64).orElseThrow().url());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01; // one bit of one byte
        Files.write(file, bytes);
        assertRefused(m, Reason.HASH_MISMATCH, "SHA-256 is");
    }

    @Test
    void hashTheSignerVouchedForButTheBytesDoNotHaveIsRefused() {
        // a compromised build signs a statement with another hash: the signature verifies, the bytes do not match
        ReleaseManifest m = fixture.resigned(withPatch(good(), p -> new PatchPackage(p.url(), "ab".repeat(32),
                p.size(), null, null, p.fromRange(), p.operations(), p.notes())));
        assertRefused(m, Reason.HASH_MISMATCH, "manifest says " + "ab".repeat(32));
    }

    @Test
    void manifestHashChangedAfterSigningIsRefusedByTheSignatureBeforeAnyDownload() {
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), "ab".repeat(32), p.size(),
                p.signature(), p.keyId(), p.fromRange(), p.operations(), p.notes()));
        assertRefused(m, Reason.BAD_SIGNATURE, "does not verify");
        assertThat(Trees.digest(work).keySet()).noneMatch(p -> p.endsWith("package.tar.gz"));
    }

    @Test
    void operationsChangedAfterSigningAreRefusedByTheSignature() {
        // format 1 signed the bytes only: anyone who could edit the manifest could add a deletion
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(), p.size(), p.signature(),
                p.keyId(), p.fromRange(), new Operations(p.operations().replaceFiles(),
                        p.operations().replaceDirectories(), java.util.List.of("keep/untouched.txt"),
                        p.operations().deleteDirectories()),
                p.notes()));
        assertRefused(m, Reason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void packageSignedForAnotherReleaseIsRefused() {
        ReleaseManifest other = fixture.patchRelease("1.0.1", "1.0.0", Installs.patch110(), Installs.ops110());
        PatchPackage signedFor101 = other.patchFor(Arch.X86_64).orElseThrow();
        ReleaseManifest relabelled = good().withPatch(Arch.X86_64, signedFor101);
        assertRefused(relabelled, Reason.BAD_SIGNATURE, "release 1.1.0");
    }

    @Test
    void formatOneManifestWithASignatureOverThePackageBytesIsRefusedWithHowToResign() {
        ReleaseManifest m = good();
        PatchPackage p = m.patchFor(Arch.X86_64).orElseThrow();
        ReleaseManifest formatOne = new ReleaseManifest(null, m.version(), m.releaseDate(), m.notes(), null, null)
                .withPatch(Arch.X86_64, new PatchPackage(p.url(), p.sha256(), p.size(),
                        fixture.sign(Installs.patch110()), p.keyId(), p.fromRange(), p.operations(), p.notes()));
        assertRefused(formatOne, Reason.OUTDATED_MANIFEST, "re-create the release with 'patchctl package create'");
    }

    @Test
    void packageLongerThanTheManifestSizeIsCutOffAndRefused() {
        ReleaseManifest m = fixture.resigned(withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(),
                p.size() - 10, null, null, p.fromRange(), p.operations(), p.notes())));
        assertRefused(m, Reason.SIZE_MISMATCH, "sends more than");
    }

    @Test
    void packageOverTheConfiguredMaximumIsNotEvenFetched() {
        PackageEngine small = PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(fixture.key.getPublic()))
                .limits(new PackageLimits(100, 1000, 1 << 20))
                .build();
        assertRefused(small, good(), Reason.SIZE_MISMATCH, "exceeds the configured maximum 100");
    }

    @Test
    void unknownKeyIsRefused() {
        PackageEngine trustsAnother = PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(Ed25519Keys.generate().getPublic()))
                .build();
        assertRefused(trustsAnother, good(), Reason.UNKNOWN_KEY, "is not trusted");
    }

    @Test
    void signatureByAnotherKeyUnderTheTrustedKeyIdIsRefused() {
        Fixture impostor = new Fixture(tmp.resolve("other"));
        ReleaseManifest m = good();
        ReleaseManifest forged = withPatch(m, p -> new PatchPackage(p.url(), p.sha256(), p.size(),
                impostor.signStatement("1.1.0", p), p.keyId(), p.fromRange(), p.operations(), p.notes()));
        assertRefused(forged, Reason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void signatureOverThePackageBytesInAFormatTwoManifestIsRefused() {
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(), p.size(),
                fixture.sign(Installs.patch110()), p.keyId(), p.fromRange(), p.operations(), p.notes()));
        assertRefused(m, Reason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void signatureOverOtherBytesIsRefused() {
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(), p.size(),
                fixture.sign("something else".getBytes()), p.keyId(), p.fromRange(), p.operations(), p.notes()));
        assertRefused(m, Reason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void unsignedPackageIsRefusedUnlessExplicitlyAllowed() throws Exception {
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(), p.size(), null, null,
                p.fromRange(), p.operations(), p.notes()));
        assertRefused(m, Reason.UNSIGNED, "unsigned packages are not allowed");

        ApplyResult allowed = PackageEngine.builder().allowUnsigned(true).build()
                .apply(fixture.request(install, work, m));
        assertThat(allowed.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(allowed.signedBy()).isNull();
    }

    @Test
    void manifestBuiltInCodeWithAnEscapingPathIsRefusedBeforeAnyDownload() throws Exception {
        ReleaseManifest m = withPatch(good(), p -> new PatchPackage(p.url(), p.sha256(), p.size(), p.signature(),
                p.keyId(), p.fromRange(), Fixture.replaceFiles("../outside"), p.notes()));
        assertRefused(m, Reason.INVALID_MANIFEST, "replaceFiles");
        assertThat(work).doesNotExist();
    }

    // ------------------------------------------------------------------ archive safety

    private void assertArchiveRefused(TarFixtures archive, Operations ops, Reason reason, String detail) {
        assertRefused(fixture.patchRelease("1.1.0", "1.0.0", archive.build(), ops), reason, detail);
    }

    @Test
    void entryWithDotDotIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/app", "x").file("../x", "escaped"),
                Fixture.replaceFiles("bin/app"), Reason.UNSAFE_PATH, "'..' segment in '../x'");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertThat(work.resolve("x")).doesNotExist();
    }

    @Test
    void nestedDotDotIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/../../../x", "escaped"), Fixture.replaceFiles("bin/app"),
                Reason.UNSAFE_PATH, "'..' segment");
    }

    @Test
    void absoluteEntryIsRefused() {
        assertArchiveRefused(new TarFixtures().file("/etc/x", "escaped"), Fixture.replaceFiles("bin/app"),
                Reason.UNSAFE_PATH, "absolute path '/etc/x'");
    }

    @Test
    void symlinkEscapingTheRootIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/app", "x").symlink("bin/evil", "../../../etc/passwd"),
                Fixture.replaceFiles("bin/app", "bin/evil"), Reason.UNSAFE_ENTRY, "points outside the package");
    }

    @Test
    void absoluteSymlinkIsRefused() {
        assertArchiveRefused(new TarFixtures().symlink("bin/app", "/etc/passwd"), Fixture.replaceFiles("bin/app"),
                Reason.UNSAFE_ENTRY, "points to '/etc/passwd'");
    }

    @Test
    void symlinkResolvingThroughAnotherSymlinkIsRefused() {
        // 'here' -> '.' is harmless alone, but 'bin/up' -> '../here/..' would climb out through it
        assertArchiveRefused(new TarFixtures().symlink("here", ".").symlink("bin/up", "../here/.."),
                Fixture.replaceFiles("here", "bin/up"), Reason.UNSAFE_ENTRY, "through the symlink 'here'");
    }

    @Test
    void entryBelowASymlinkIsRefused() {
        assertArchiveRefused(new TarFixtures().symlink("lib", "bin").file("lib/x", "written through a link"),
                Fixture.replaceFiles("lib"), Reason.UNSAFE_PATH, "lies below the symlink 'lib'");
    }

    @Test
    void hardLinkIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/app", "x").hardLink("bin/copy", "bin/app"),
                Fixture.replaceFiles("bin/app", "bin/copy"), Reason.UNSAFE_ENTRY, "hard link");
    }

    @Test
    void characterDeviceIsRefused() {
        assertArchiveRefused(new TarFixtures().special("bin/app", TarConstants.LF_CHR),
                Fixture.replaceFiles("bin/app"), Reason.UNSAFE_ENTRY, "character device");
    }

    @Test
    void fifoIsRefused() {
        assertArchiveRefused(new TarFixtures().special("bin/app", TarConstants.LF_FIFO),
                Fixture.replaceFiles("bin/app"), Reason.UNSAFE_ENTRY, "fifo");
    }

    @Test
    void archiveWithMoreEntriesThanTheLimitIsRefused() {
        TarFixtures many = new TarFixtures();
        for (int i = 0; i < 101; i++) {
            many.file("lib/f" + i, "x");
        }
        PackageEngine engine = PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(fixture.key.getPublic()))
                .limits(new PackageLimits(1 << 20, 100, 1 << 20))
                .build();
        assertRefused(engine, fixture.patchRelease("1.1.0", "1.0.0", many.build(),
                new Operations(null, java.util.List.of("lib"), null, null)), Reason.ARCHIVE_TOO_LARGE,
                "more than 100 entries");
    }

    @Test
    void decompressionBombOverTheSizeLimitIsRefused() {
        // 64 MiB of zeros compress to ~64 KiB
        byte[] bomb = new TarFixtures().zeros("bin/app", 64L << 20).build();
        assertThat(bomb.length).isLessThan(1 << 20);
        PackageEngine engine = PackageEngine.builder()
                .trustedKeys(TrustedKeys.of(fixture.key.getPublic()))
                .limits(new PackageLimits(1 << 20, 100, 16L << 20))
                .build();
        assertRefused(engine, fixture.patchRelease("1.1.0", "1.0.0", bomb, Fixture.replaceFiles("bin/app")),
                Reason.ARCHIVE_TOO_LARGE, "uncompressed bytes");
    }

    @Test
    void notATarGzIsRefused() {
        assertRefused(fixture.patchRelease("1.1.0", "1.0.0", "not gzip at all".getBytes(),
                Fixture.replaceFiles("bin/app")), Reason.CORRUPT_ARCHIVE, "");
    }

    // ------------------------------------------------------------------ structure

    @Test
    void operationNamingAFileThePackageLacksIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/app", "x"), Fixture.replaceFiles("bin/app", "bin/tool"),
                Reason.STRUCTURE_MISMATCH, "replaceFiles names 'bin/tool'");
    }

    @Test
    void packageContentNoOperationNamesIsRefused() {
        assertArchiveRefused(new TarFixtures().file("bin/app", "x").file("bin/extra", "?"),
                Fixture.replaceFiles("bin/app"), Reason.STRUCTURE_MISMATCH, "'bin/extra', which no operation names");
    }

    @Test
    void operationGoingThroughASymlinkOfTheInstallIsRefused() throws Exception {
        Files.createSymbolicLink(install.resolve("outside"), tmp);
        before = Trees.digest(install);
        assertArchiveRefused(new TarFixtures().file("outside/planted", "x"), Fixture.replaceFiles("outside/planted"),
                Reason.STRUCTURE_MISMATCH, "a symlink in the install");
        assertThat(tmp.resolve("planted")).doesNotExist();
    }

    // ------------------------------------------------------------------ links against the install after the apply

    @Test
    void linkThatEscapesThroughASymlinkAlreadyInTheInstallIsRefused() throws Exception {
        // finding 1: 'data -> /elsewhere' is the install's own (a data volume); '../data/../canary' looks inside
        // the package lexically, but readlink -f goes through 'data' and lands in '/canary'
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(install.resolve("data"), elsewhere);
        before = Trees.digest(install);
        assertArchiveRefused(new TarFixtures().symlink("bin/peek", "../data/../canary"),
                Fixture.replaceFiles("bin/peek"), Reason.UNSAFE_ENTRY,
                "symlink 'bin/peek' -> '../data/../canary' resolves outside the install through the symlink 'data'");
        assertThat(install.resolve("bin/peek")).doesNotExist();
    }

    @Test
    void linkThroughARelativeInstallSymlinkThatClimbsOutIsRefused() throws Exception {
        Files.createSymbolicLink(install.resolve("up"), Path.of(".."));
        before = Trees.digest(install);
        assertArchiveRefused(new TarFixtures().symlink("bin/peek", "../up/app/x"), Fixture.replaceFiles("bin/peek"),
                Reason.UNSAFE_ENTRY, "through the symlink 'up' -> '..' of the install");
    }

    @Test
    void linkThroughALinkTheSamePackageCreatesIsJudgedWhereItWillBe() throws Exception {
        // 'lib/current -> ..' names the install root, harmless alone; 'bin/tool -> ../lib/current/../x' stays
        // inside lexically, but goes through it and climbs above the root
        assertArchiveRefused(new TarFixtures().symlink("lib/current", "..").symlink("bin/tool", "../lib/current/../x"),
                new Operations(java.util.List.of("lib/current", "bin/tool"), null, null, null), Reason.UNSAFE_ENTRY,
                "through the symlink 'lib/current' -> '..' of the package");
    }

    @Test
    void packageLinkThatBendsAnExistingInstallLinkOutwardIsRefused() throws Exception {
        // the install's 'bin/peek -> ../docs/../canary' resolves inside today; replacing the directory 'docs'
        // with a link to '.' would make it leave the install
        Files.createSymbolicLink(install.resolve("bin/peek"), Path.of("../docs/../canary"));
        before = Trees.digest(install);
        assertArchiveRefused(new TarFixtures().symlink("docs", "."),
                new Operations(java.util.List.of("docs"), null, null, null), Reason.UNSAFE_ENTRY,
                "the install's symlink 'bin/peek' -> '../docs/../canary' resolves outside the install through "
                        + "the symlink 'docs' -> '.' of the package");
    }

    @Test
    void linkThroughADirectoryThePackageReplacesIsJudgedByTheNewDirectory() throws Exception {
        // today 'lib/ext' is a link out of the install; the package replaces 'lib' with a tree where 'ext' is a
        // directory, so 'bin/tool -> ../lib/ext/tool' stays inside once applied: accepted
        Files.createSymbolicLink(install.resolve("lib/ext"), tmp);
        byte[] archive = new TarFixtures().dir("lib")
                .dir("lib/ext")
                .file("lib/ext/tool", "tool")
                .symlink("bin/tool", "../lib/ext/tool")
                .build();
        ReleaseManifest m = fixture.patchRelease("1.1.0", "1.0.0", archive,
                new Operations(java.util.List.of("bin/tool"), java.util.List.of("lib"), null, null));

        ApplyResult applied = fixture.engine().apply(fixture.request(install, work, m));

        assertThat(applied.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(install.resolve("bin/tool").toRealPath()).isEqualTo(install.resolve("lib/ext/tool").toRealPath());
    }

    @Test
    void linkThroughADirectoryThePackageReplacesWithALinkOutwardIsRefused() throws Exception {
        // the reverse: 'lib' is a plain directory today, the package's new 'lib' holds 'ext -> ../..'
        before = Trees.digest(install);
        assertArchiveRefused(
                new TarFixtures().dir("lib").symlink("lib/ext", "..").symlink("bin/tool", "../lib/ext/../x"),
                new Operations(java.util.List.of("bin/tool"), java.util.List.of("lib"), null, null),
                Reason.UNSAFE_ENTRY, "through the symlink 'lib/ext' -> '..' of the package");
    }
}
