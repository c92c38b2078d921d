package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.internal.Fs;

class Ed25519KeysTest {

    @Test
    void keygenWritesPemFilesAndAPrivateKeyOnlyTheOwnerCanRead(@TempDir Path dir) throws Exception {
        Ed25519Keys.GeneratedKey k = Ed25519Keys.writeKeyPair(dir, "release");
        assertThat(Files.readString(k.publicKeyPem())).startsWith("-----BEGIN PUBLIC KEY-----");
        assertThat(Files.readString(k.privateKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Fs.toBits(Fs.mode(k.privateKeyPem()))).isEqualTo(0600);
        assertThat(k.keyId()).matches("[0-9a-f]{16}");
        PublicKey pub = Ed25519Keys.readPublicKey(k.publicKeyPem());
        assertThat(Ed25519Keys.keyId(pub)).isEqualTo(k.keyId());
        assertThat(TrustedKeys.fromDirectory(dir).ids()).containsExactly(k.keyId());
        assertThatThrownBy(() -> Ed25519Keys.writeKeyPair(dir, "release"))
                .hasMessageContaining("refusing to overwrite");
    }

    @Test
    void keyIdIsTheFirst16HexOfTheSha256OfTheRawKey() throws Exception {
        PublicKey pub = Ed25519Keys.generate().getPublic();
        byte[] raw = Arrays.copyOfRange(pub.getEncoded(), 12, 44);
        String expected = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(raw))
                .substring(0, 16);
        assertThat(Ed25519Keys.keyId(pub)).isEqualTo(expected);
    }

    @Test
    void acceptsPemDerAndRawBase64ForTheSameKey() {
        var pair = Ed25519Keys.generate();
        PublicKey pub = pair.getPublic();
        String raw = Base64.getEncoder().encodeToString(Ed25519Keys.raw(pub));
        String der = Base64.getEncoder().encodeToString(pub.getEncoded());
        assertThat(Ed25519Keys.publicKey(raw)).isEqualTo(pub);
        assertThat(Ed25519Keys.publicKey(der)).isEqualTo(pub);
        assertThat(Ed25519Keys.publicKey(Ed25519Keys.toPem(pub))).isEqualTo(pub);
        PrivateKey priv = pair.getPrivate();
        String seed = Base64.getEncoder()
                .encodeToString(Arrays.copyOfRange(priv.getEncoded(), priv.getEncoded().length - 32,
                        priv.getEncoded().length));
        assertThat(Ed25519Keys.privateKey(seed).getEncoded()).isEqualTo(priv.getEncoded());
        assertThat(Ed25519Keys.privateKey(Ed25519Keys.toPem(priv)).getEncoded()).isEqualTo(priv.getEncoded());
    }

    @Test
    void derivesThePublicKeyFromThePrivateKey() throws Exception {
        var pair = Ed25519Keys.generate();
        assertThat(Ed25519Keys.publicKeyOf(pair.getPrivate())).isEqualTo(pair.getPublic());
        // and the signature verifies with the JDK directly
        String sig = Ed25519Keys.sign(pair.getPrivate(), "hello".getBytes());
        Signature v = Signature.getInstance("Ed25519");
        v.initVerify(pair.getPublic());
        v.update("hello".getBytes());
        assertThat(v.verify(Base64.getDecoder().decode(sig))).isTrue();
        assertThat(Ed25519Keys.verify(pair.getPublic(), "hello".getBytes(), Base64.getDecoder().decode(sig))).isTrue();
        assertThat(Ed25519Keys.verify(pair.getPublic(), "hellO".getBytes(), Base64.getDecoder().decode(sig))).isFalse();
        assertThat(Ed25519Keys.verify(pair.getPublic(), "hello".getBytes(), new byte[3])).isFalse();
    }

    @Test
    void configuredKeyIdMustBeTheKeysOwnId() {
        PublicKey pub = Ed25519Keys.generate().getPublic();
        String id = Ed25519Keys.keyId(pub);
        assertThat(TrustedKeys.fromConfig(Map.of(id, Ed25519Keys.toPem(pub))).get(id)).contains(pub);
        assertThatThrownBy(() -> TrustedKeys.fromConfig(Map.of("0000000000000000", Ed25519Keys.toPem(pub))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(id);
    }
}
