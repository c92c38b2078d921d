package dev.patchflow.runner.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.create.CreateRequest;
import dev.patchflow.pkg.create.CreateResult;
import dev.patchflow.pkg.create.PackageCreator;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageStatement;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * Signed release fixtures built with the library's own {@link PackageCreator}: an app at 1.0.0 and its
 * release 1.1.0 (a changed binary, a changed jar, a new jar, a deleted jar, a replaced plugin directory),
 * as a patch package, a full package and {@code manifest.json} with package URLs relative to it.
 */
public final class PackageFixtures {

    public static final String FROM = "1.0.0";
    public static final String TO = "1.1.0";
    public static final Arch ARCH = Arch.X86_64;

    private PackageFixtures() {
    }

    /** What {@link #release} wrote into its folder. */
    public record Release(Path dir, Path manifestFile, Path patchFile, Path fullFile, ReleaseManifest manifest) {

        public String patchFileName() {
            return patchFile.getFileName().toString();
        }
    }

    public static KeyPair newKeys() {
        return Ed25519Keys.generate();
    }

    /** The installed tree of 1.0.0. */
    public static void writeFromTree(Path dir) throws IOException {
        write(dir, "VERSION", FROM + "\n");
        write(dir, "bin/app", "#!/bin/sh\necho app " + FROM + "\n");
        Files.setPosixFilePermissions(dir.resolve("bin/app"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write(dir, "lib/core.jar", "core " + FROM);
        write(dir, "lib/legacy.jar", "legacy");
        write(dir, "conf/app.conf", "port=8080\n");
        write(dir, "plugins/report/plugin.txt", "report plugin " + FROM);
    }

    /** The release tree of 1.1.0. */
    public static void writeToTree(Path dir) throws IOException {
        write(dir, "VERSION", TO + "\n");
        write(dir, "bin/app", "#!/bin/sh\necho app " + TO + "\n");
        Files.setPosixFilePermissions(dir.resolve("bin/app"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write(dir, "lib/core.jar", "core " + TO);
        write(dir, "lib/new.jar", "new in " + TO);
        write(dir, "conf/app.conf", "port=8080\n");
        write(dir, "plugins/report/plugin.txt", "report plugin " + TO);
        write(dir, "plugins/report/extra.txt", "extra");
    }

    /** Builds the signed release 1.1.0 (patch from 1.0.0, and the full package) into {@code out}. */
    public static Release release(Path work, PrivateKey key, Path out) throws IOException {
        Path from = work.resolve("tree-" + FROM);
        Path to = work.resolve("tree-" + TO);
        if (!Files.exists(from)) {
            writeFromTree(from);
            writeToTree(to);
        }
        Files.createDirectories(out);
        Path manifestFile = out.resolve("manifest.json");
        CreateResult created = PackageCreator.create(new CreateRequest(from, to, TO, ARCH, key, out, manifestFile,
                true, null, "fixture release", LocalDate.of(2026, 11, 20)));
        return new Release(out, manifestFile, created.patchFile(), created.fullFile(), created.manifest());
    }

    /** An install of 1.0.0 at {@code install}. */
    public static Path install(Path install) throws IOException {
        writeFromTree(install);
        return install;
    }

    /** Replaces the patch entry of the manifest with {@code patch} signed by {@code key} (a compromised build). */
    public static void rewriteSignedPatch(Release release, PatchPackage patch, PrivateKey key) throws IOException {
        PatchPackage unsigned = new PatchPackage(patch.url(), patch.sha256(), patch.size(), null, null,
                patch.fromRange(), patch.operations(), patch.notes());
        rewritePatch(release, new PatchPackage(patch.url(), patch.sha256(), patch.size(),
                Ed25519Keys.sign(key, PackageStatement.of(release.manifest().version(), ARCH, unsigned).bytes()),
                Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key)), patch.fromRange(), patch.operations(),
                patch.notes()));
    }

    /** Replaces the patch entry of the manifest (and rewrites the file). */
    public static void rewritePatch(Release release, PatchPackage patch) throws IOException {
        ReleaseManifest changed = release.manifest().withPatch(ARCH, patch);
        ManifestCodec.write(release.manifestFile(), changed);
    }

    /**
     * Re-describes a (modified) patch file in the manifest: its real size and hash, signed by {@code key} the way
     * {@code patchctl package create} signs (the entry's statement), as a compromised build pipeline would.
     */
    public static void describePatchFile(Release release, Path file, PrivateKey key) throws IOException {
        PatchPackage p = release.manifest().patchFor(ARCH).orElseThrow();
        PatchPackage unsigned = new PatchPackage(p.url(), sha256(file), Files.size(file), null, null, p.fromRange(),
                p.operations(), p.notes());
        String keyId = key == null ? null : Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(key));
        String signature = key == null
                ? null
                : Ed25519Keys.sign(key, PackageStatement.of(release.manifest().version(), ARCH, unsigned).bytes());
        rewritePatch(release, new PatchPackage(p.url(), unsigned.sha256(), unsigned.size(), signature, keyId,
                p.fromRange(), p.operations(), p.notes()));
    }

    /** A tar.gz with the given entries (name → content), written as-is, without the creator's checks. */
    public static void writeRawTarGz(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, String> e : entries.entrySet()) {
                byte[] bytes = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey(), true);
                entry.setSize(bytes.length);
                entry.setMode(0100644);
                tar.putArchiveEntry(entry);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
        }
    }

    /** Streamed: fixture packages may be larger than the test's heap should hold. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Every entry of a tree: type, permissions, content hash or link target, and modification time — equal
     * digests mean a byte-identical, untouched tree.
     */
    public static Map<String, String> digest(Path root) throws IOException {
        Map<String, String> all = new TreeMap<>();
        if (!Files.exists(root)) {
            return all;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                String rel = root.relativize(p).toString();
                String perms = Files.isSymbolicLink(p)
                        ? ""
                        : PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toString();
                String what;
                if (Files.isSymbolicLink(p)) {
                    what = "link " + Files.readSymbolicLink(p);
                } else if (Files.isDirectory(p)) {
                    what = "dir";
                } else {
                    what = "file " + sha256(p);
                }
                all.put(rel.isEmpty() ? "." : rel, what + " " + perms + " " + mtime);
            }
        }
        return all;
    }

    /** The tree's content only (no times): what an apply must produce. */
    public static Map<String, String> content(Path root) throws IOException {
        Map<String, String> all = new TreeMap<>();
        digest(root).forEach((k, v) -> all.put(k, v.substring(0, v.lastIndexOf(' '))));
        all.remove(".");
        return all;
    }

    private static void write(Path dir, String rel, String text) throws IOException {
        Path file = dir.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The release's file names, for uploads. */
    public static List<Path> files(Release release) {
        return List.of(release.manifestFile(), release.patchFile(), release.fullFile());
    }
}
