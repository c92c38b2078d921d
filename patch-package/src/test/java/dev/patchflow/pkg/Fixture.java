package dev.patchflow.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;

import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageStatement;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.manifest.VersionRange;

/** A signing key, a repository directory for packages, and engines that trust the key. */
public final class Fixture {

    public final KeyPair key = Ed25519Keys.generate();
    public final Path repo;

    public Fixture(Path repo) {
        this.repo = repo;
    }

    public static Operations replaceFiles(String... paths) {
        return new Operations(List.of(paths), List.of(), List.of(), List.of());
    }

    /** Writes {@code tarGz} as a package file and returns a signed patch manifest for it. */
    public ReleaseManifest patchRelease(String version, String from, byte[] tarGz, Operations ops) {
        String name = "patch-" + version + ".tar.gz";
        write(name, tarGz);
        return patchRelease(version, from, name, sha256(tarGz), tarGz.length, ops);
    }

    /** A signed patch manifest for a package file already in the repository (e.g. one too large for memory). */
    public ReleaseManifest patchRelease(String version, String from, String name, String sha256, long size,
            Operations ops) {
        PatchPackage unsigned = new PatchPackage(name, sha256, size, null, null, VersionRange.exactly(from), ops, null);
        return new ReleaseManifest(version, LocalDate.of(2026, 11, 20), "test", null, null).withPatch(Arch.X86_64,
                signed(version, unsigned));
    }

    public ReleaseManifest fullRelease(String version, byte[] tarGz) {
        String name = "full-" + version + ".tar.gz";
        write(name, tarGz);
        FullPackage f = new FullPackage(name, sha256(tarGz), tarGz.length, null, null);
        return new ReleaseManifest(version, LocalDate.of(2026, 11, 20), "test", null, null).withFull(Arch.X86_64,
                signed(version, f));
    }

    /** The entry signed by this fixture's key, as {@code patchctl package create} signs it (its statement). */
    public PatchPackage signed(String version, PatchPackage p) {
        return new PatchPackage(p.url(), p.sha256(), p.size(), signStatement(version, p),
                Ed25519Keys.keyId(key.getPublic()), p.fromRange(), p.operations(), p.notes());
    }

    public FullPackage signed(String version, FullPackage f) {
        return new FullPackage(f.url(), f.sha256(), f.size(), signStatement(version, f),
                Ed25519Keys.keyId(key.getPublic()));
    }

    /** Re-signs the x86_64 patch entry of {@code m} as it now stands (a compromised build signs what it likes). */
    public ReleaseManifest resigned(ReleaseManifest m) {
        return m.withPatch(Arch.X86_64, signed(m.version(), m.patchFor(Arch.X86_64).orElseThrow()));
    }

    public String signStatement(String version, PackageArtifact artifact) {
        return Ed25519Keys.sign(key.getPrivate(), PackageStatement.of(version, Arch.X86_64, artifact).bytes());
    }

    public PackageEngine engine() {
        return PackageEngine.builder().trustedKeys(TrustedKeys.of(key.getPublic())).build();
    }

    public ApplyRequest request(Path install, Path work, ReleaseManifest manifest) {
        return ApplyRequest.of(install, work, Arch.X86_64, manifest, repo.resolve("manifest.json").toUri());
    }

    public String sign(byte[] data) {
        return Ed25519Keys.sign(key.getPrivate(), data);
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String name, byte[] data) {
        try {
            Files.createDirectories(repo);
            Files.write(repo.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
