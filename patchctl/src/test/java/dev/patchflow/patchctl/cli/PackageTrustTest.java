package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.crypto.TrustedKeys;

/** {@code patchctl package trust}: the documented way to add a key to the folder a runner trusts. */
class PackageTrustTest {

    @TempDir
    Path dir;

    private String keygen(String name) {
        CliRun run = CliRun.of("package", "keygen", "--out", dir.resolve("keys").toString(), "--name", name);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        return run.lastOutLine();
    }

    @Test
    void trustWritesThePublicKeyUnderItsIdIntoTheFolderTheRunnerReads() throws Exception {
        String keyId = keygen("release");
        Path trusted = dir.resolve("trusted-keys");

        CliRun run = CliRun.of("package", "trust", dir.resolve("keys/release.pub.pem").toString(), "--dir",
                trusted.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.outLines()).containsExactly("trusted " + keyId,
                trusted.resolve(keyId + ".pub.pem").toAbsolutePath().toString());
        assertThat(TrustedKeys.fromDirectory(trusted).ids()).containsExactly(keyId);
        try (var files = Files.list(trusted)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(keyId + ".pub.pem");
        }

        CliRun again = CliRun.of("package", "trust", dir.resolve("keys/release.pub.pem").toString(), "--dir",
                trusted.toString());
        assertThat(again.outLines().get(0)).isEqualTo("already trusted " + keyId);
    }

    @Test
    void aPrivateKeyIsRefusedAndNotCopied() {
        keygen("release");
        Path trusted = dir.resolve("trusted-keys");

        CliRun run = CliRun.of("package", "trust", dir.resolve("keys/release.key.pem").toString(), "--dir",
                trusted.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("release.key.pem is a private key");
        assertThat(trusted).doesNotExist();
    }

    @Test
    void aFileThatIsNotAKeyIsAUsageErrorNamingIt() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");

        CliRun run = CliRun.of("package", "trust", junk.toString(), "--dir", dir.resolve("t").toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("junk.pem is not an Ed25519 public key");
    }
}
