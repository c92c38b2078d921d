package dev.patchflow.pkg.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.Fixture;
import dev.patchflow.pkg.Installs;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

class PackageVerifierTest {

    @TempDir
    Path tmp;

    @Test
    void aSignatureIsVerifiedOnceButTrustAndEveryOtherSignatureAreCheckedEachTime() throws Exception {
        Fixture fixture = new Fixture(tmp.resolve("repo"));
        ReleaseManifest release = fixture.patchRelease("1.1.0", "1.0.0", Installs.patch110(), Installs.ops110());
        PatchPackage entry = release.patchFor(Arch.X86_64).orElseThrow();
        AtomicReference<TrustedKeys> trusted = new AtomicReference<>(TrustedKeys.of(fixture.key.getPublic()));
        PackageVerifier verifier = new PackageVerifier(trusted::get, false);

        for (int target = 0; target < 3; target++) {
            assertThat(verifier.verifySignature(release, Arch.X86_64, entry)).isEqualTo(entry.keyId());
        }
        assertThat(verifier.rememberedSignatures()).isEqualTo(1);

        // the same statement signed by another key under the trusted key's id: verified, and refused, each time
        Fixture impostor = new Fixture(tmp.resolve("other"));
        PatchPackage forged = new PatchPackage(entry.url(), entry.sha256(), entry.size(),
                impostor.signStatement("1.1.0", entry), entry.keyId(), entry.fromRange(), entry.operations(),
                entry.notes());
        for (int target = 0; target < 2; target++) {
            assertThatThrownBy(() -> verifier.verifySignature(release.withPatch(Arch.X86_64, forged), Arch.X86_64,
                    forged)).isInstanceOfSatisfying(PackageRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));
        }
        assertThat(verifier.rememberedSignatures()).isEqualTo(1);

        // a key no longer trusted refuses the signature it verified before
        trusted.set(TrustedKeys.of(impostor.key.getPublic()));
        assertThatThrownBy(() -> verifier.verifySignature(release, Arch.X86_64, entry))
                .isInstanceOfSatisfying(PackageRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
    }
}
