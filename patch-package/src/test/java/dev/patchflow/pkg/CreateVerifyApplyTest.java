package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.create.CreateRequest;
import dev.patchflow.pkg.create.CreateResult;
import dev.patchflow.pkg.create.PackageCreator;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageVerifier;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.ApplyRequest;
import dev.patchflow.pkg.engine.ApplyResult;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.strategy.UpgradeStrategy;

/** patchctl package keygen → create → verify, then the engine: the result is the --to tree, byte for byte. */
class CreateVerifyApplyTest {

    @TempDir
    Path tmp;
    Path from;
    Path to;
    Path keys;
    Ed25519Keys.GeneratedKey key;

    @BeforeEach
    void setUp() throws Exception {
        keys = tmp.resolve("keys");
        key = Ed25519Keys.writeKeyPair(keys, "release");
        from = tmp.resolve("from");
        Trees.write(from, "VERSION", "1.0.0\n");
        Trees.write(from, "bin/app", "app 1.0", 0755);
        Trees.write(from, "bin/same", "unchanged", 0755);
        Trees.write(from, "conf/mode-only.conf", "same bytes", 0644);
        Trees.write(from, "conf/removed.conf", "gone in 1.1");
        Trees.write(from, "old/a/b.txt", "whole dir removed");
        Trees.write(from, "data", "a file that becomes a directory");
        Trees.write(from, "cache/x", "a directory that becomes a file");
        Trees.write(from, "lib/keep.jar", "keep");
        Files.createSymbolicLink(from.resolve("current"), Path.of("bin/app"));

        to = tmp.resolve("to");
        Trees.write(to, "VERSION", "1.1.0\n");
        Trees.write(to, "bin/app", "app 1.1 - longer", 0755);
        Trees.write(to, "bin/same", "unchanged", 0755);
        Trees.write(to, "bin/new-tool", "new file in an existing dir", 0750);
        Trees.write(to, "conf/mode-only.conf", "same bytes", 0600);
        Trees.write(to, "data/part1", "now a directory");
        Trees.write(to, "cache", "now a file");
        Trees.write(to, "lib/keep.jar", "keep");
        Trees.write(to, "plugins/reporting/report.jar", "new dir");
        Trees.write(to, "plugins/reporting/templates/t.html", "<html/>", 0444);
        Files.createDirectories(to.resolve("empty-new-dir"));
        Files.createSymbolicLink(to.resolve("current"), Path.of("bin/new-tool"));
        Files.createSymbolicLink(to.resolve("bin/link"), Path.of("app"));
    }

    private CreateResult create(boolean full) throws Exception {
        return PackageCreator.create(new CreateRequest(from, to, "1.1.0", Arch.X86_64,
                Ed25519Keys.readPrivateKey(key.privateKeyPem()), tmp.resolve("out"), tmp.resolve("out/manifest.json"),
                full, null, "Release 1.1.0", LocalDate.of(2026, 11, 20)));
    }

    @Test
    void diffOfTwoTreesNamesEveryChangeOnce() throws Exception {
        Operations ops = create(false).patch().operations();
        assertThat(ops.replaceFiles()).containsExactlyInAnyOrder("bin/app", "bin/new-tool", "bin/link", "cache",
                "conf/mode-only.conf", "current");
        assertThat(ops.replaceDirectories()).containsExactlyInAnyOrder("data", "empty-new-dir", "plugins");
        assertThat(ops.deleteFiles()).containsExactly("conf/removed.conf");
        assertThat(ops.deleteDirectories()).containsExactly("old");
    }

    @Test
    void createdPatchVerifiesAndTurnsACopyOfFromIntoTo() throws Exception {
        CreateResult created = create(false);
        ReleaseManifest manifest = ManifestCodec.read(tmp.resolve("out/manifest.json"));
        assertThat(manifest).isEqualTo(created.manifest());
        assertThat(manifest.patchFor(Arch.X86_64).orElseThrow().fromRange().min()).isEqualTo("1.0.0");
        assertThat(manifest.patchFor(Arch.X86_64).orElseThrow().keyId()).isEqualTo(key.keyId());

        // patchctl package verify <file> --manifest ... --keys <dir>
        TrustedKeys trusted = TrustedKeys.fromDirectory(keys);
        var artifact = manifest.artifactNamed(Arch.X86_64, created.patchFile().getFileName().toString()).orElseThrow();
        assertThat(new PackageVerifier(trusted, false).verify(created.patchFile(), manifest, Arch.X86_64, artifact)
                .keyId())
                .isEqualTo(key.keyId());

        Path install = tmp.resolve("install");
        Trees.copy(from, install);
        ApplyResult result = PackageEngine.builder().trustedKeys(trusted).build()
                .apply(ApplyRequest.of(install, tmp.resolve("work"), Arch.X86_64, manifest,
                        tmp.resolve("out/manifest.json").toUri()));

        assertThat(result.status()).isEqualTo(ApplyResult.Status.APPLIED);
        assertThat(result.plan().strategy()).isInstanceOf(UpgradeStrategy.PatchUpgrade.class);
        assertThat(Trees.digest(install)).isEqualTo(Trees.digest(to));
    }

    @Test
    void createdFullPackageInstallsTheToTreeFromNothing() throws Exception {
        CreateResult created = create(true);
        assertThat(created.fullFile()).exists();
        Path install = tmp.resolve("fresh");
        ApplyResult result = PackageEngine.builder().trustedKeys(TrustedKeys.fromDirectory(keys)).build()
                .apply(ApplyRequest.of(install, tmp.resolve("work"), Arch.X86_64, created.manifest(),
                        tmp.resolve("out/manifest.json").toUri()));

        assertThat(result.plan().strategy()).isInstanceOf(UpgradeStrategy.FullUpgrade.class);
        var expected = Trees.digest(to);
        var actual = Trees.digest(install);
        expected.remove(""); // the install root's own mode comes from the work machine, not the package
        actual.remove("");
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void secondArchIsAddedToTheSameReleaseManifest() throws Exception {
        create(false);
        CreateResult arm = PackageCreator.create(new CreateRequest(from, to, "1.1.0", Arch.AARCH64,
                Ed25519Keys.readPrivateKey(key.privateKeyPem()), tmp.resolve("out"), tmp.resolve("out/manifest.json"),
                false, "https://downloads.example.com/app/1.1.0", null, null));
        ReleaseManifest m = ManifestCodec.read(tmp.resolve("out/manifest.json"));
        assertThat(m.patchFor(Arch.X86_64)).isPresent();
        assertThat(m.patchFor(Arch.AARCH64).orElseThrow().url())
                .isEqualTo("https://downloads.example.com/app/1.1.0/" + arm.patchFile().getFileName());
        assertThat(m.notes()).isEqualTo("Release 1.1.0");
        // reproducible: same trees, same bytes
        assertThat(m.patchFor(Arch.AARCH64).orElseThrow().sha256())
                .isEqualTo(m.patchFor(Arch.X86_64).orElseThrow().sha256());
    }

    @Test
    void createRefusesAToTreeWhoseVersionMarkerDisagrees() throws Exception {
        Trees.write(to, "VERSION", "9.9.9\n");
        assertThatThrownBy(() -> create(false)).hasMessageContaining("VERSION is 9.9.9");
        assertThat(List.of(tmp.resolve("out/manifest.json"))).allMatch(p -> !Files.exists(p));
    }
}
