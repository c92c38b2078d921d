package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * {@code patchctl package keygen | create | verify} on real trees, keys and packages: what the
 * operator sees (exit code, stdout, stderr) and what lands on disk.
 */
class PackageCommandsTest {

    @TempDir
    Path dir;
    Path from;
    Path to;
    Path keys;
    Path out;

    @BeforeEach
    void trees() throws IOException {
        from = dir.resolve("app-1.0.0");
        to = dir.resolve("app-1.1.0");
        write(from, "VERSION", "1.0.0\n");
        write(from, "bin/app", "#!/bin/sh\necho 1.0.0\n");
        write(from, "lib/old.jar", "old");
        write(from, "conf/app.conf", "same");
        write(to, "VERSION", "1.1.0\n");
        write(to, "bin/app", "#!/bin/sh\necho 1.1.0\n");
        write(to, "lib/new/a.jar", "new");
        write(to, "conf/app.conf", "same");
        keys = dir.resolve("keys");
        out = dir.resolve("out");
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private String keygen(String name) {
        CliRun run = CliRun.of("package", "keygen", "--out", keys.toString(), "--name", name);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        return run.lastOutLine();
    }

    private CliRun create(String keyName, String... extra) {
        List<String> args = new ArrayList<>(List.of("package", "create", "--from",
                from.toString(), "--to", to.toString(), "--version", "1.1.0", "--arch", "x86_64", "--key",
                keys.resolve(keyName + ".key.pem").toString(), "--out", out.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args);
    }

    private CliRun verify(Path keyDir, Path packageFile) {
        return CliRun.of("package", "verify", "--manifest", out.resolve("manifest.json").toString(), "--package",
                packageFile.toString(), "--keys", keyDir.toString(), "--arch", "x86_64");
    }

    private Path patchFile() {
        return out.resolve("patch-1.0.0-1.1.0-x86_64.tar.gz");
    }

    @Test
    void keygenWritesAPrivateKeyOnlyTheOwnerCanReadAndPrintsTheKeyId() throws IOException {
        String keyId = keygen("release");

        assertThat(keyId).matches("[0-9a-f]{16}");
        Path priv = keys.resolve("release.key.pem");
        assertThat(Files.getPosixFilePermissions(priv)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(priv)).doesNotContain(PosixFilePermission.GROUP_READ);
        assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(keys.resolve("release.pub.pem"))).startsWith("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void keygenRefusesToOverwriteAnExistingKey() {
        keygen("release");

        CliRun again = CliRun.of("package", "keygen", "--out", keys.toString(), "--name", "release");

        assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("refusing to overwrite", "release.key.pem");
    }

    @Test
    void createThenVerifyAcceptsThePackageSignedByTheTrustedKey() throws Exception {
        String keyId = keygen("release");

        CliRun created = create("release", "--notes", "fixes");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
        Path manifestFile = out.resolve("manifest.json").toAbsolutePath();
        assertThat(created.lastOutLine()).isEqualTo(manifestFile.toString());
        String sha = sha256(patchFile());
        assertThat(created.out()).contains("3 operations", "1 files replaced", "1 directories replaced",
                "1 files deleted", sha, Files.size(patchFile()) + " bytes", "signed by " + keyId);

        ReleaseManifest manifest = ManifestCodec.read(manifestFile);
        PatchPackage patch = manifest.patchFor(Arch.X86_64).orElseThrow();
        assertThat(manifest.version()).isEqualTo("1.1.0");
        assertThat(manifest.notes()).isEqualTo("fixes");
        assertThat(patch.url()).isEqualTo("patch-1.0.0-1.1.0-x86_64.tar.gz");
        assertThat(patch.sha256()).isEqualTo(sha);
        assertThat(patch.keyId()).isEqualTo(keyId);
        assertThat(patch.fromRange().min()).isEqualTo("1.0.0");
        assertThat(patch.operations().replaceFiles()).containsExactly("bin/app");
        assertThat(patch.operations().replaceDirectories()).containsExactly("lib/new");
        assertThat(patch.operations().deleteFiles()).containsExactly("lib/old.jar");

        CliRun verified = verify(keys, patchFile());

        assertThat(verified.exitCode()).as(verified.err()).isEqualTo(ExitCodes.OK);
        assertThat(verified.out()).isEqualTo("OK " + sha + " signed by " + keyId + System.lineSeparator());
    }

    @Test
    void createWithFullAlsoWritesTheFullPackageAndVerifyFindsItWithoutArch() throws Exception {
        keygen("release");

        CliRun created = create("release", "--full", "--base-url", "https://downloads.example.com/app/1.1.0");

        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
        Path full = out.resolve("full-1.1.0-x86_64.tar.gz");
        assertThat(full).isRegularFile();
        ReleaseManifest manifest = ManifestCodec.read(out.resolve("manifest.json"));
        assertThat(manifest.fullFor(Arch.X86_64).orElseThrow().url())
                .isEqualTo("https://downloads.example.com/app/1.1.0/full-1.1.0-x86_64.tar.gz");

        CliRun verified = CliRun.of("package", "verify", "--manifest", out.resolve("manifest.json").toString(),
                "--package", full.toString(), "--keys", keys.toString());

        assertThat(verified.exitCode()).as(verified.err()).isEqualTo(ExitCodes.OK);
        assertThat(verified.out()).startsWith("OK " + sha256(full));
    }

    @Test
    void verifyRefusesATamperedPackageNamingTheHashMismatch() throws IOException {
        keygen("release");
        assertThat(create("release").exitCode()).isEqualTo(ExitCodes.OK);
        byte[] bytes = Files.readAllBytes(patchFile());
        bytes[bytes.length / 2] ^= 0x01; // same size, one bit flipped
        Files.write(patchFile(), bytes);

        CliRun verified = verify(keys, patchFile());

        assertThat(verified.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(verified.out()).isEmpty();
        assertThat(verified.err()).contains("HASH_MISMATCH", "manifest says");
    }

    @Test
    void verifyRefusesAPackageSignedByAKeyThatIsNotTrusted() {
        keygen("release");
        assertThat(create("release").exitCode()).isEqualTo(ExitCodes.OK);
        Path otherKeys = dir.resolve("other-keys");
        CliRun other = CliRun.of("package", "keygen", "--out", otherKeys.toString(), "--name", "other");
        assertThat(other.exitCode()).isEqualTo(ExitCodes.OK);

        CliRun verified = verify(otherKeys, patchFile());

        assertThat(verified.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(verified.err()).contains("UNKNOWN_KEY", "is not trusted", other.lastOutLine());
    }

    @Test
    void verifyRefusesASignatureMadeByAnotherKeyUnderTheTrustedKeysId() throws IOException {
        String trustedId = keygen("release");
        keygen("attacker");
        // The attacker signs with their own key but claims the trusted key's id in the manifest.
        assertThat(create("attacker").exitCode()).isEqualTo(ExitCodes.OK);
        Path manifestFile = out.resolve("manifest.json");
        ReleaseManifest m = ManifestCodec.read(manifestFile);
        PatchPackage p = m.patchFor(Arch.X86_64).orElseThrow();
        ManifestCodec.write(manifestFile, m.withPatch(Arch.X86_64, new PatchPackage(p.url(), p.sha256(), p.size(),
                p.signature(), trustedId, p.fromRange(), p.operations(), p.notes())));
        Path trustedOnly = Files.createDirectories(dir.resolve("trusted"));
        Files.copy(keys.resolve("release.pub.pem"), trustedOnly.resolve("release.pub.pem"));

        CliRun verified = verify(trustedOnly, patchFile());

        assertThat(verified.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(verified.err()).contains("BAD_SIGNATURE", trustedId);
    }

    @Test
    void verifyRefusesAFileTheManifestDoesNotList() throws IOException {
        keygen("release");
        assertThat(create("release").exitCode()).isEqualTo(ExitCodes.OK);
        Path stranger = Files.writeString(dir.resolve("stranger.tar.gz"), "x");

        CliRun verified = verify(keys, stranger);

        assertThat(verified.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(verified.err()).contains("lists no package named stranger.tar.gz");
    }

    @Test
    void missingFilesAreUsageErrorsNamingTheFlagAndTheFile() {
        keygen("release");

        CliRun noKey = create("missing");
        assertThat(noKey.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noKey.err()).contains("--key", "missing.key.pem");

        CliRun noTree = CliRun.of("package", "create", "--from", dir.resolve("nowhere").toString(), "--to",
                to.toString(), "--version", "1.1.0", "--arch", "x86_64", "--key",
                keys.resolve("release.key.pem").toString(), "--out", out.toString());
        assertThat(noTree.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTree.err()).contains("--from", "nowhere");

        CliRun noManifest = CliRun.of("package", "verify", "--manifest", dir.resolve("none.json").toString(),
                "--package", dir.resolve("p.tar.gz").toString(), "--keys", keys.toString());
        assertThat(noManifest.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noManifest.err()).contains("--manifest", "none.json");
        assertThat(out).doesNotExist();
    }

    @Test
    void badFlagValuesAreUsageErrorsNamingTheFlag() {
        keygen("release");

        CliRun badArch = create("release", "--arch", "sparc");
        assertThat(badArch.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badArch.err()).contains("--arch", "sparc");

        CliRun badVersion = CliRun.of("package", "create", "--from", from.toString(), "--to", to.toString(),
                "--version", "1.1", "--arch", "x86_64", "--key", keys.resolve("release.key.pem").toString(), "--out",
                out.toString());
        assertThat(badVersion.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badVersion.err()).contains("--version", "1.1");

        CliRun notAKey = CliRun.of("package", "create", "--from", from.toString(), "--to", to.toString(),
                "--version", "1.1.0", "--arch", "x86_64", "--key", keys.resolve("release.pub.pem").toString(),
                "--out", out.toString());
        assertThat(notAKey.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notAKey.err()).contains("--key", "release.pub.pem");

        CliRun missingFlag = CliRun.of("package", "verify", "--package", "x.tar.gz", "--keys", keys.toString());
        assertThat(missingFlag.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missingFlag.err()).contains("--manifest");
    }

    @Test
    void createRefusesTreesThatDoNotDiffer() throws IOException {
        keygen("release");
        Path unchanged = dir.resolve("unchanged");
        write(unchanged, "VERSION", "1.1.0\n");
        write(unchanged, "bin/app", "#!/bin/sh\necho 1.0.0\n");
        write(unchanged, "lib/old.jar", "old");
        write(unchanged, "conf/app.conf", "same");

        CliRun same = CliRun.of("package", "create", "--from", from.toString(), "--to", unchanged.toString(),
                "--version", "1.1.0", "--arch", "x86_64", "--key", keys.resolve("release.key.pem").toString(),
                "--out", out.toString());

        assertThat(same.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(same.err()).contains("do not differ");
    }

    @Test
    void publishToAnUnreachableS3NamesTheEndpointAndExitsOneWithinTheTimeout() {
        keygen("release");
        assertThat(create("release").exitCode()).isEqualTo(ExitCodes.OK);
        long started = System.nanoTime();

        CliRun run = CliRun.of("package", "publish", "--manifest", out.resolve("manifest.json").toString(),
                "--catalog", "s3://releases/app", "--s3-endpoint", "http://127.0.0.1:9", "--s3-timeout", "2s");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("S3 not reachable at http://127.0.0.1:9");
        assertThat(run.out()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void publishRefusesACatalogThatIsNotAnS3Uri() {
        keygen("release");
        assertThat(create("release").exitCode()).isEqualTo(ExitCodes.OK);

        CliRun notS3 = CliRun.of("package", "publish", "--manifest", out.resolve("manifest.json").toString(),
                "--catalog", "https://releases/app");
        CliRun badBucket = CliRun.of("package", "publish", "--manifest", out.resolve("manifest.json").toString(),
                "--catalog", "s3://Releases_1/app");

        assertThat(notS3.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notS3.err()).contains("--catalog", "s3://<bucket>/<prefix>");
        assertThat(badBucket.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badBucket.err()).contains("--catalog", "Releases_1", "bucket name");
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
