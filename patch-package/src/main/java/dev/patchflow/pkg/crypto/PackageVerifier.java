package dev.patchflow.pkg.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.manifest.PackageArtifact;

/**
 * Checks a package file against its manifest entry: exact size, SHA-256, and a real Ed25519
 * signature by a trusted key. Everything is read in one pass. Refusals are
 * {@link PackageRefusedException}s naming the reason.
 */
public final class PackageVerifier {

    private final TrustedKeys keys;
    private final boolean allowUnsigned;

    /**
     * @param allowUnsigned accept a package whose manifest entry has no signature (local demos only;
     *        a present signature is still checked).
     */
    public PackageVerifier(TrustedKeys keys, boolean allowUnsigned) {
        this.keys = keys;
        this.allowUnsigned = allowUnsigned;
    }

    /** What was verified. {@code keyId} is null for an allowed unsigned package. */
    public record Verified(String sha256, long size, String keyId) {
    }

    public Verified verify(Path file, PackageArtifact expected) throws IOException {
        long size = Files.size(file);
        if (size != expected.size()) {
            throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                    "package is " + size + " bytes, manifest says " + expected.size());
        }
        Signature signature = null;
        byte[] sigBytes = null;
        if (expected.isSigned()) {
            PublicKey key = keys.get(expected.keyId())
                    .orElseThrow(() -> new PackageRefusedException(Reason.UNKNOWN_KEY,
                            "key id " + expected.keyId() + " is not trusted (trusted: " + keys.ids() + ")"));
            try {
                sigBytes = Base64.getDecoder().decode(expected.signature());
                signature = Signature.getInstance(Ed25519Keys.ALGORITHM);
                signature.initVerify(key);
            } catch (IllegalArgumentException e) {
                throw new PackageRefusedException(Reason.BAD_SIGNATURE, "signature is not base64", e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        } else if (expected.signature() != null || expected.keyId() != null) {
            throw new PackageRefusedException(Reason.UNSIGNED, "signature and key id must come together");
        } else if (!allowUnsigned) {
            throw new PackageRefusedException(Reason.UNSIGNED,
                    "the manifest carries no signature for " + expected.url()
                            + " and unsigned packages are not allowed");
        }
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                sha.update(buf, 0, n);
                if (signature != null) {
                    signature.update(buf, 0, n);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(expected.sha256())) {
            throw new PackageRefusedException(Reason.HASH_MISMATCH,
                    "SHA-256 is " + actual + ", manifest says " + expected.sha256());
        }
        if (signature != null) {
            boolean ok;
            try {
                ok = signature.verify(sigBytes);
            } catch (GeneralSecurityException e) {
                ok = false;
            }
            if (!ok) {
                throw new PackageRefusedException(Reason.BAD_SIGNATURE,
                        "Ed25519 signature does not verify with key " + expected.keyId());
            }
        }
        return new Verified(actual, size, signature == null ? null : expected.keyId());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
