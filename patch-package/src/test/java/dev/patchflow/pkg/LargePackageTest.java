package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.archive.TarGzWriter;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Finding 2 at the library's level: verification and apply stream in constant memory, so a package larger
 * than the whole heap of the applying JVM is applied. Format 1 held the package in memory inside the JDK's
 * Ed25519 verifier and died with OutOfMemoryError here. (patch-runner-svc's PackagedPackageExecutorIT does the
 * same with the packaged runner, a 200 MB package and the launcher's -Xmx384m.)
 */
class LargePackageTest {

    private static final int HEAP_MB = 32;
    private static final int PACKAGE_MB = 64;

    @TempDir
    Path tmp;

    @Test
    void aSignedPackageLargerThanTheHeapIsVerifiedAndApplied() throws Exception {
        Path install = Installs.v100(tmp.resolve("app"));
        Fixture fixture = new Fixture(tmp.resolve("repo"));
        Path to = tmp.resolve("to");
        Path blob = Files.createDirectories(to.resolve("data")).resolve("blob.bin");
        writeIncompressible(blob, (long) PACKAGE_MB << 20);
        Path pkg = Files.createDirectories(fixture.repo).resolve("patch-big.tar.gz");
        try (OutputStream out = Files.newOutputStream(pkg); TarGzWriter tar = new TarGzWriter(out)) {
            tar.add(to, "data");
        }
        assertThat(Files.size(pkg)).isGreaterThan((long) HEAP_MB << 20);
        ReleaseManifest manifest = fixture.patchRelease("1.1.0", "1.0.0", pkg.getFileName().toString(),
                sha256(pkg), Files.size(pkg),
                new dev.patchflow.pkg.manifest.Operations(null, java.util.List.of("data"), null, null));
        Path manifestFile = fixture.repo.resolve("manifest.json");
        ManifestCodec.write(manifestFile, manifest);
        Path publicKey = tmp.resolve("trusted.pub.pem");
        Files.writeString(publicKey, Ed25519Keys.toPem(fixture.key.getPublic()));

        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MB + "m", "-cp", System.getProperty("java.class.path"),
                ApplyInChildProcess.class.getName(), install.toString(), tmp.resolve("work").toString(),
                manifestFile.toString(), publicKey.toString(), "none")
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(output).as("child output").contains("DONE").doesNotContain("OutOfMemoryError");
        assertThat(child.exitValue()).isZero();
        assertThat(install.resolve("VERSION")).hasContent("1.1.0");
        assertThat(Files.mismatch(install.resolve("data/blob.bin"), blob)).isEqualTo(-1);
    }

    private static void writeIncompressible(Path file, long size) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long r = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[i + b] = (byte) (r >>> (8 * b));
                    }
                }
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
    }

    /** Streamed: the fixture's helper takes the bytes in memory. */
    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0;) {
                md.update(b, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
