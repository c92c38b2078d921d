package dev.patchflow.pkg.crypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import dev.patchflow.pkg.internal.Fs;

/**
 * Ed25519 keys and signatures with the JDK provider only. Accepted key texts:
 * <ul>
 * <li>PEM: {@code -----BEGIN PUBLIC KEY-----} (X.509 SubjectPublicKeyInfo) and
 * {@code -----BEGIN PRIVATE KEY-----} (PKCS#8), as written by {@link #writeKeyPair} and by
 * {@code openssl genpkey -algorithm ed25519};</li>
 * <li>base64 of the DER of those (44 bytes public, 48 bytes private);</li>
 * <li>base64 of the raw key: 32 bytes public key, 32 bytes private seed.</li>
 * </ul>
 * The key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public key, so it does
 * not depend on how the key is written down.
 */
public final class Ed25519Keys {

    public static final String ALGORITHM = "Ed25519";

    /** DER prefixes in front of the raw 32 bytes (RFC 8410). */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");

    private Ed25519Keys() {
    }

    /** A key pair written by {@link #writeKeyPair}. */
    public record GeneratedKey(String keyId, Path privateKeyPem, Path publicKeyPem) {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no Ed25519 in this JDK", e);
        }
    }

    /**
     * {@code patchctl package keygen}: writes {@code <name>.key.pem} (PKCS#8, mode 0600) and
     * {@code <name>.pub.pem} (X.509) into {@code dir}; refuses to overwrite an existing key.
     */
    public static GeneratedKey writeKeyPair(Path dir, String name) throws IOException {
        KeyPair pair = generate();
        Files.createDirectories(dir);
        Path priv = dir.resolve(name + ".key.pem");
        Path pub = dir.resolve(name + ".pub.pem");
        if (Fs.exists(priv) || Fs.exists(pub)) {
            throw new IOException("refusing to overwrite an existing key: " + priv + " / " + pub);
        }
        Files.writeString(priv, "", StandardCharsets.US_ASCII);
        Fs.setMode(priv, Fs.fromBits(0600));
        Files.writeString(priv, toPem(pair.getPrivate()), StandardCharsets.US_ASCII);
        Files.writeString(pub, toPem(pair.getPublic()), StandardCharsets.US_ASCII);
        return new GeneratedKey(keyId(pair.getPublic()), priv, pub);
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw(key));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw 32-byte public key. */
    public static byte[] raw(PublicKey key) {
        byte[] der = key.getEncoded();
        return Arrays.copyOfRange(der, der.length - 32, der.length);
    }

    public static String toPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String toPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    public static PublicKey readPublicKey(Path file) throws IOException {
        return publicKey(Files.readString(file, StandardCharsets.US_ASCII));
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return privateKey(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** A public key from PEM, base64 DER or base64 raw 32 bytes. */
    public static PublicKey publicKey(String text) {
        byte[] bytes = decode(text, "PUBLIC KEY");
        byte[] der = bytes.length == 32 ? concat(X509_PREFIX, bytes) : bytes;
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** A private key from PEM (PKCS#8), base64 DER or base64 raw 32-byte seed. */
    public static PrivateKey privateKey(String text) {
        byte[] bytes = decode(text, "PRIVATE KEY");
        byte[] der = bytes.length == 32 ? concat(PKCS8_PREFIX, bytes) : bytes;
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
        }
    }

    /** The public key of a private key (Ed25519 derives it from the seed). */
    public static PublicKey publicKeyOf(PrivateKey key) {
        try {
            // sign-and-derive is not exposed by the JDK; derive through a throwaway KeyPairGenerator seeded with the key
            byte[] seed = Arrays.copyOfRange(key.getEncoded(), key.getEncoded().length - 32, key.getEncoded().length);
            KeyPairGenerator gen = KeyPairGenerator.getInstance(ALGORITHM);
            gen.initialize(new java.security.spec.NamedParameterSpec(ALGORITHM), new FixedRandom(seed));
            return gen.generateKeyPair().getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Base64 Ed25519 signature over {@code message}. The JDK's Ed25519 holds the whole message in memory
     * (PureEdDSA hashes it twice), so only small messages are signed: a package's
     * {@link PackageStatement}, never the package itself.
     */
    public static String sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message);
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signature} is {@code key}'s Ed25519 signature over {@code message}. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // a malformed signature does not verify
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String text, String pemType) {
        String body = text.trim();
        if (body.startsWith("-----BEGIN")) {
            String begin = "-----BEGIN " + pemType + "-----";
            String end = "-----END " + pemType + "-----";
            int from = body.indexOf(begin);
            int to = body.indexOf(end);
            if (from < 0 || to < 0) {
                throw new IllegalArgumentException("expected a PEM block '" + begin + "'");
            }
            body = body.substring(from + begin.length(), to);
        }
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key is neither PEM nor base64", e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Hands out a fixed seed once; only used to derive a public key from a private seed. */
    private static final class FixedRandom extends java.security.SecureRandom {

        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }
}
