package dev.patchflow.pkg.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * What a format-2 signature covers: one package's manifest entry, reduced to the facts that decide what
 * an apply does, so that the signed message is a few hundred bytes whatever the package's size (the JDK's
 * Ed25519 holds the whole message in memory; the package itself is bound by its SHA-256, which is
 * streamed). The canonical form is UTF-8 text, one {@code name value} line each, in this order:
 *
 * <pre>
 * patchflow-package-statement/2
 * release 1.1.0
 * arch x86_64
 * kind patch                       (or full)
 * size 5242880
 * sha256 &lt;64 lower-case hex&gt;
 * from-range 1.0.0 1.0.2           (patch only: min max, inclusive)
 * operations-sha256 &lt;64 hex&gt;       (patch only: see {@link #operationsDigest})
 * </pre>
 *
 * Every value is constrained by the manifest schema (SemVer, an arch name, digits, hex), so no value
 * can contain a space or a line break. The URL is not covered: {@code patchctl package publish} rewrites
 * it, and the bytes it points at are bound by {@code sha256} and {@code size}. Release notes and the
 * date are informational and not covered either.
 */
public record PackageStatement(String release, Arch arch, String kind, long size, String sha256,
        String fromMin, String fromMax, String operationsSha256) {

    public static final String HEADER = "patchflow-package-statement/2";
    public static final String KIND_FULL = "full";
    public static final String KIND_PATCH = "patch";

    /** The statement of {@code artifact}, the {@code arch} package of {@code manifest}. */
    public static PackageStatement of(ReleaseManifest manifest, Arch arch, PackageArtifact artifact) {
        return of(manifest.version(), arch, artifact);
    }

    /** The statement of {@code artifact}, the {@code arch} package of release {@code release}. */
    public static PackageStatement of(String release, Arch arch, PackageArtifact artifact) {
        if (artifact instanceof PatchPackage p) {
            return new PackageStatement(release, arch, KIND_PATCH, p.size(), p.sha256(),
                    p.fromRange().min(), p.fromRange().max(), operationsDigest(p.operations()));
        }
        return new PackageStatement(release, arch, KIND_FULL, artifact.size(), artifact.sha256(), null,
                null, null);
    }

    /** The exact bytes that are signed. */
    public byte[] bytes() {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        s.append("release ").append(release).append('\n');
        s.append("arch ").append(arch.jsonName()).append('\n');
        s.append("kind ").append(kind).append('\n');
        s.append("size ").append(size).append('\n');
        s.append("sha256 ").append(sha256).append('\n');
        if (KIND_PATCH.equals(kind)) {
            s.append("from-range ").append(fromMin).append(' ').append(fromMax).append('\n');
            s.append("operations-sha256 ").append(operationsSha256).append('\n');
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * SHA-256 (hex) of the operations in a form without ambiguity: for each list, in the order
     * {@code replaceFiles, replaceDirectories, deleteFiles, deleteDirectories}, its name, a NUL, each path
     * followed by a NUL, and one more NUL. Paths are never empty and never contain NUL (schema).
     */
    public static String operationsDigest(Operations ops) {
        MessageDigest sha = newDigest();
        List<List<String>> lists = List.of(ops.replaceFiles(), ops.replaceDirectories(), ops.deleteFiles(),
                ops.deleteDirectories());
        List<String> names = List.of("replaceFiles", "replaceDirectories", "deleteFiles", "deleteDirectories");
        for (int i = 0; i < lists.size(); i++) {
            sha.update(names.get(i).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            for (String path : lists.get(i)) {
                sha.update(path.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            sha.update((byte) 0);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
