package dev.patchflow.pkg.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Checks a package against its manifest entry in two parts, both in constant memory whatever the
 * package's size:
 * <ol>
 * <li>{@link #verifySignature}: the Ed25519 signature over the entry's {@link PackageStatement} (release,
 * arch, kind, size, SHA-256, from-range, operations digest) by a trusted key: before anything is
 * downloaded;</li>
 * <li>{@link #verifyContent}: the file's exact size and its SHA-256, streamed.</li>
 * </ol>
 * Together they bind the bytes to the signer. Refusals are {@link PackageRefusedException}s naming the reason.
 */
public final class PackageVerifier {

    /** A runner verifies one release's few entries for every target; a full memory is emptied rather than grown. */
    static final int MAX_REMEMBERED = 256;

    private final TrustedKeySource keys;
    private final boolean allowUnsigned;
    /**
     * Statements whose signature verified, each with the key and the signature it verified with. A run applies one
     * release to every target, and each apply verified the same signature again: Ed25519 in the JDK took 17% of the
     * runner's CPU samples in a 1,000-target package run. The check is a pure function of these three, so a
     * signature that verified once verifies again; one that did not is never remembered. Whether the key is still
     * trusted is looked up every time, before this.
     */
    private final Set<String> verifiedSignatures = ConcurrentHashMap.newKeySet();

    /**
     * @param allowUnsigned accept a package whose manifest entry has no signature (local demos only;
     *        a present signature is still checked).
     */
    public PackageVerifier(TrustedKeys keys, boolean allowUnsigned) {
        this(TrustedKeySource.of(keys), allowUnsigned);
    }

    /** With keys read when a package is verified (e.g. a directory that {@code patchctl package trust} adds to). */
    public PackageVerifier(TrustedKeySource keys, boolean allowUnsigned) {
        this.keys = keys;
        this.allowUnsigned = allowUnsigned;
    }

    /** What was verified. {@code keyId} is null for an allowed unsigned package. */
    public record Verified(String sha256, long size, String keyId) {
    }

    /** Both parts: the signature of the entry, then the file's size and SHA-256. */
    public Verified verify(Path file, ReleaseManifest manifest, Arch arch, PackageArtifact expected)
            throws IOException {
        String keyId = verifySignature(manifest, arch, expected);
        String sha256 = verifyContent(file, expected);
        return new Verified(sha256, expected.size(), keyId);
    }

    /**
     * The signature over the entry's statement, by a trusted key; needs no package bytes.
     *
     * @return the signing key's id, or null for an unsigned entry that is allowed
     */
    public String verifySignature(ReleaseManifest manifest, Arch arch, PackageArtifact expected) throws IOException {
        if (!expected.isSigned()) {
            if (expected.signature() != null || expected.keyId() != null) {
                throw new PackageRefusedException(Reason.UNSIGNED, "signature and key id must come together");
            }
            if (!allowUnsigned) {
                throw new PackageRefusedException(Reason.UNSIGNED, "the manifest carries no signature for "
                        + expected.url() + " and unsigned packages are not allowed");
            }
            return null;
        }
        if (manifest.formatVersion() != ReleaseManifest.FORMAT) {
            throw new PackageRefusedException(Reason.OUTDATED_MANIFEST, "the manifest is format "
                    + manifest.formatVersion() + ", whose signatures cover the raw package bytes (they cannot be "
                    + "verified in constant memory) and not the operations; only format " + ReleaseManifest.FORMAT
                    + " is accepted: re-create the release with 'patchctl package create' (same trees, same "
                    + "reproducible packages, new signatures)");
        }
        TrustedKeys trusted = keys.current();
        PublicKey key = trusted.get(expected.keyId())
                .orElseThrow(() -> new PackageRefusedException(Reason.UNKNOWN_KEY,
                        "key id " + expected.keyId() + " is not trusted (trusted: " + trusted.ids() + ")"));
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(expected.signature());
        } catch (IllegalArgumentException e) {
            throw new PackageRefusedException(Reason.BAD_SIGNATURE, "signature is not base64", e);
        }
        if (!signatureVerifies(key, PackageStatement.of(manifest, arch, expected).bytes(), signature)) {
            throw new PackageRefusedException(Reason.BAD_SIGNATURE, "Ed25519 signature does not verify with key "
                    + expected.keyId() + " over the " + arch.jsonName() + " entry of release " + manifest.version()
                    + " (size, sha256, range and operations as the manifest states them)");
        }
        return expected.keyId();
    }

    private boolean signatureVerifies(PublicKey key, byte[] statement, byte[] signature) {
        Base64.Encoder base64 = Base64.getEncoder();
        String verified = base64.encodeToString(key.getEncoded()) + ' ' + base64.encodeToString(statement) + ' '
                + base64.encodeToString(signature);
        if (verifiedSignatures.contains(verified)) {
            return true;
        }
        if (!Ed25519Keys.verify(key, statement, signature)) {
            return false;
        }
        if (verifiedSignatures.size() >= MAX_REMEMBERED) {
            verifiedSignatures.clear();
        }
        verifiedSignatures.add(verified);
        return true;
    }

    /** How many verified signatures are remembered (tests). */
    int rememberedSignatures() {
        return verifiedSignatures.size();
    }

    /** The file's exact size and its SHA-256 (streamed, 64 KiB at a time); returns the hex digest. */
    public static String verifyContent(Path file, PackageArtifact expected) throws IOException {
        long size = Files.size(file);
        if (size != expected.size()) {
            throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                    "package is " + size + " bytes, manifest says " + expected.size());
        }
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                sha.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(expected.sha256())) {
            throw new PackageRefusedException(Reason.HASH_MISMATCH,
                    "SHA-256 is " + actual + ", manifest says " + expected.sha256());
        }
        return actual;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
