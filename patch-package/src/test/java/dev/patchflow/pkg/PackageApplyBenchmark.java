package dev.patchflow.pkg;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import dev.patchflow.pkg.archive.TarGzWriter;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageStatement;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.manifest.VersionRange;

/**
 * Not a test: what the safety costs. Generates an install of N files (default 10,000, ~200 MB of
 * incompressible data) and a signed patch replacing every one of them, then measures in the same
 * run (1) a plain extraction of the package plus a rename of each file over the install, and (2)
 * {@link PackageEngine#apply} (fetch from a file URL, SHA-256 + Ed25519, safe extraction,
 * hard-link backups, a fsync'd journal line per step, fsync of every file and directory, atomic
 * renames, VERSION, clean-up). Prints both times and the ratio.
 *
 * <pre>
 * cd patch-package && mvn -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.patchflow.pkg.PackageApplyBenchmark [-Dexec.args="10000 200 /tmp/pf-bench"]
 * </pre>
 */
public final class PackageApplyBenchmark {

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long totalMb = args.length > 1 ? Long.parseLong(args[1]) : 200;
        Path dir = Path.of(args.length > 2 ? args[2] : "target/benchmark").toAbsolutePath();
        Fs.deleteRecursively(dir);
        Files.createDirectories(dir);
        int fileSize = (int) (totalMb * 1024 * 1024 / files);
        System.out.printf("generating %,d files of %,d bytes (%,d MB) in %s%n", files, fileSize, totalMb, dir);

        Path from = dir.resolve("from");
        Path to = dir.resolve("to");
        Random random = new Random(1);
        byte[] buf = new byte[fileSize];
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            String rel = String.format("d%03d/f%05d.bin", i % 100, i);
            paths.add(rel);
            for (Path root : List.of(from, to)) {
                random.nextBytes(buf);
                Path p = root.resolve(rel);
                Files.createDirectories(p.getParent());
                Files.write(p, buf);
            }
        }
        Files.writeString(from.resolve("VERSION"), "1.0.0\n");

        KeyPair key = Ed25519Keys.generate();
        Path pkg = dir.resolve("patch.tar.gz");
        long t0 = System.nanoTime();
        try (OutputStream out = Files.newOutputStream(pkg); TarGzWriter tar = new TarGzWriter(out)) {
            for (String p : paths) {
                tar.add(to, p);
            }
        }
        String sha = sha256(pkg);
        PatchPackage unsigned = new PatchPackage(pkg.toUri().toString(), sha, Files.size(pkg), null, null,
                VersionRange.exactly("1.0.0"), new Operations(paths, null, null, null), null);
        String signature = Ed25519Keys.sign(key.getPrivate(),
                PackageStatement.of("1.1.0", Arch.X86_64, unsigned).bytes());
        System.out.printf("package: %,d bytes, built and signed in %,d ms%n", Files.size(pkg), ms(t0));
        ReleaseManifest manifest = new ReleaseManifest("1.1.0", LocalDate.now(), null, null, null).withPatch(
                Arch.X86_64,
                new PatchPackage(unsigned.url(), sha, unsigned.size(), signature, Ed25519Keys.keyId(key.getPublic()),
                        unsigned.fromRange(), unsigned.operations(), null));

        // (1) baseline: extract + rename, no verification, no backup, no fsync
        Path plain = dir.resolve("install-plain");
        Fs.copyTree(from, plain, false);
        Path staging = dir.resolve("staging-plain");
        t0 = System.nanoTime();
        try (InputStream in = Files.newInputStream(pkg);
                TarArchiveInputStream tar = new TarArchiveInputStream(
                        new GzipCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path s = staging.resolve(e.getName());
                Files.createDirectories(s.getParent());
                Files.copy(tar, s);
            }
        }
        for (String p : paths) {
            Files.move(staging.resolve(p), plain.resolve(p), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        long plainMs = ms(t0);

        // (2) the engine
        Path install = dir.resolve("install");
        Fs.copyTree(from, install, false);
        PackageEngine engine = PackageEngine.builder().trustedKeys(TrustedKeys.of(key.getPublic())).build();
        t0 = System.nanoTime();
        ApplyResult result = engine.apply(ApplyRequest.of(install, dir.resolve("work"), Arch.X86_64, manifest, null));
        long engineMs = ms(t0);
        if (result.status() != ApplyResult.Status.APPLIED || Files.mismatch(install.resolve(paths.get(files - 1)),
                to.resolve(paths.get(files - 1))) != -1) {
            throw new IllegalStateException("benchmark apply did not produce the new tree: " + result);
        }

        System.out.printf("plain extraction + rename : %,8d ms%n", plainMs);
        System.out.printf("PackageEngine.apply       : %,8d ms%n", engineMs);
        System.out.printf("ratio                     : %8.2f x%n", (double) engineMs / plainMs);
        Fs.deleteRecursively(dir);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0;) {
                md.update(b, 0, n);
            }
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
