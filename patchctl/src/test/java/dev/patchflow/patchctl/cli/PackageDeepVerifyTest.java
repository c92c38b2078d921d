package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageStatement;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Issue #7, finding 5: {@code package verify --deep} tells a publisher, before publishing, every reason the
 * runner would refuse a package — with a valid key and a valid signature over hostile content, as a
 * compromised build pipeline would produce it.
 */
class PackageDeepVerifyTest {

    @TempDir
    Path dir;
    Path keys;
    Path out;
    Path from;
    Path to;

    @BeforeEach
    void release() throws IOException {
        from = dir.resolve("app-1.0.0");
        to = dir.resolve("app-1.1.0");
        write(from, "VERSION", "1.0.0\n");
        write(from, "bin/app", "#!/bin/sh\necho 1.0.0\n");
        write(from, "conf/app.conf", "same");
        write(to, "VERSION", "1.1.0\n");
        write(to, "bin/app", "#!/bin/sh\necho 1.1.0\n");
        write(to, "conf/app.conf", "same");
        keys = dir.resolve("keys");
        out = dir.resolve("out");
        assertThat(CliRun.of("package", "keygen", "--out", keys.toString(), "--name", "release").exitCode())
                .isEqualTo(ExitCodes.OK);
        CliRun created = CliRun.of("package", "create", "--from", from.toString(), "--to", to.toString(), "--version",
                "1.1.0", "--arch", "x86_64", "--key", keys.resolve("release.key.pem").toString(), "--out",
                out.toString());
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCodes.OK);
    }

    private Path patchFile() {
        return out.resolve("patch-1.0.0-1.1.0-x86_64.tar.gz");
    }

    private CliRun deep(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("package", "verify", "--deep", "--manifest",
                out.resolve("manifest.json").toString(), "--package", patchFile().toString(), "--keys",
                keys.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(args);
    }

    @Test
    void aCleanPackagePassesEveryCheckTheRunnerMakes() throws IOException {
        Path install = copy(from, dir.resolve("install"));

        CliRun run = deep("--install", install.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).hasSize(2);
        assertThat(run.outLines().get(0)).startsWith("OK ").contains(" signed by ");
        assertThat(run.outLines().get(1)).startsWith("OK structure: 1 entry, 21 bytes")
                .contains("links stay inside the install " + install.toAbsolutePath());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aHostilePackageSignedByTheTrustedKeyGetsEveryRefusalPrinted() throws IOException {
        // the install has a data volume linked in; the hostile package was signed by the release key
        Path install = copy(from, dir.resolve("install"));
        Files.createSymbolicLink(install.resolve("data"), Files.createDirectories(dir.resolve("elsewhere")));
        writeTarGz(patchFile(), List.of(file("bin/app", "#!/bin/sh\necho owned\n"), file("bin/extra", "?"),
                link("bin/peek", "../data/../canary")));
        signAsTheBuildWould(new Operations(List.of("bin/app", "bin/peek"), List.of(), List.of(), List.of()));

        CliRun run = deep("--install", install.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.outLines()).filteredOn(l -> l.startsWith("REFUSED ")).containsExactly(
                "REFUSED STRUCTURE_MISMATCH: the package holds 'bin/extra', which no operation names",
                "REFUSED UNSAFE_ENTRY: symlink 'bin/peek' -> '../data/../canary' resolves outside the install "
                        + "through the symlink 'data' -> '" + dir.resolve("elsewhere")
                        + "' of the install once applied");
        assertThat(run.outLines().get(0)).startsWith("OK ").contains("signed by");
        assertThat(run.err()).contains("STRUCTURE_MISMATCH: the runner would refuse this package: 2 refusal(s)");
        assertThat(install.resolve("bin/peek")).doesNotExist();
    }

    @Test
    void withoutAnInstallTheArchiveAndItsOwnLinksAreChecked() throws IOException {
        writeTarGz(patchFile(), List.of(file("bin/app", "x"), link("bin/up", ".."), link("bin/peek", "up/../x"),
                special("bin/fifo", TarConstants.LF_FIFO)));
        signAsTheBuildWould(new Operations(List.of("bin/app", "bin/up", "bin/peek", "bin/fifo"), List.of(), List.of(),
                List.of()));

        CliRun run = deep();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.outLines()).filteredOn(l -> l.startsWith("REFUSED ")).satisfiesExactly(
                l -> assertThat(l).startsWith("REFUSED UNSAFE_ENTRY: 'bin/fifo' is a fifo"),
                l -> assertThat(l).contains("symlink 'bin/peek' -> 'up/../x' resolves outside the install through "
                        + "the symlink 'bin/up' -> '..' of the package"));
    }

    @Test
    void aTamperedPackageStillGetsItsStructureChecked() throws IOException {
        byte[] bytes = Files.readAllBytes(patchFile());
        bytes[bytes.length - 20] ^= 0x01; // in the gzip trailer: the hash breaks, the CRC too

        Files.write(patchFile(), bytes);
        CliRun run = deep();

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.out()).contains("REFUSED HASH_MISMATCH");
    }

    @Test
    void installWithoutDeepIsAUsageError() {
        CliRun run = CliRun.of("package", "verify", "--manifest", out.resolve("manifest.json").toString(),
                "--package", patchFile().toString(), "--keys", keys.toString(), "--install", dir.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--install is only used with --deep");
    }

    @Test
    void aFormatOneManifestIsRefusedWithHowToRecreateIt() throws IOException {
        ReleaseManifest m = ManifestCodec.read(out.resolve("manifest.json"));
        ManifestCodec.write(out.resolve("manifest.json"),
                new ReleaseManifest(null, m.version(), m.releaseDate(), m.notes(), m.full(), m.patch()));

        CliRun run = CliRun.of("package", "verify", "--manifest", out.resolve("manifest.json").toString(),
                "--package", patchFile().toString(), "--keys", keys.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("OUTDATED_MANIFEST", "re-create the release with 'patchctl package create'");
    }

    /** Re-describes the rewritten patch file in the manifest, signed with the release key. */
    private void signAsTheBuildWould(Operations ops) throws IOException {
        Path manifestFile = out.resolve("manifest.json");
        ReleaseManifest m = ManifestCodec.read(manifestFile);
        PatchPackage p = m.patchFor(Arch.X86_64).orElseThrow();
        PatchPackage unsigned = new PatchPackage(p.url(), PackageCommandsTest.sha256(patchFile()),
                Files.size(patchFile()), null, null, p.fromRange(), ops, null);
        PrivateKey key = Ed25519Keys.readPrivateKey(keys.resolve("release.key.pem"));
        String signature = Ed25519Keys.sign(key, PackageStatement.of(m.version(), Arch.X86_64, unsigned).bytes());
        ManifestCodec.write(manifestFile, m.withPatch(Arch.X86_64, new PatchPackage(p.url(), unsigned.sha256(),
                unsigned.size(), signature, p.keyId(), p.fromRange(), ops, null)));
    }

    private record Entry(TarArchiveEntry header, byte[] data) {
    }

    private static Entry file(String name, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setSize(bytes.length);
        e.setMode(0100644);
        return new Entry(e, bytes);
    }

    private static Entry link(String name, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
        e.setLinkName(target);
        return new Entry(e, null);
    }

    private static Entry special(String name, byte type) {
        return new Entry(new TarArchiveEntry(name, type, true), null);
    }

    private static void writeTarGz(Path file, List<Entry> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(os))) {
            for (Entry e : entries) {
                tar.putArchiveEntry(e.header());
                if (e.data() != null) {
                    tar.write(e.data());
                }
                tar.closeArchiveEntry();
            }
        }
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
