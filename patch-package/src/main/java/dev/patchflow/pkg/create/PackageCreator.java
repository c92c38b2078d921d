package dev.patchflow.pkg.create;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import dev.patchflow.pkg.PackagePaths;
import dev.patchflow.pkg.SemVer;
import dev.patchflow.pkg.archive.TarGzWriter;
import dev.patchflow.pkg.crypto.Ed25519Keys;
import dev.patchflow.pkg.crypto.PackageStatement;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.internal.Fs;
import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.Operations;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;
import dev.patchflow.pkg.manifest.VersionRange;

/**
 * {@code patchctl package create}: diffs two trees, writes the signed patch package (and optionally
 * the full package), and writes or updates the release manifest. Package files are named
 * {@code patch-<from>-<to>-<arch>.tar.gz} and {@code full-<to>-<arch>.tar.gz}.
 */
public final class PackageCreator {

    private PackageCreator() {
    }

    public static CreateResult create(CreateRequest req) throws IOException {
        SemVer to = SemVer.parse(req.version());
        String fromText = PackageEngine.readMarker(req.fromDir())
                .orElseThrow(() -> new IllegalArgumentException("the --from tree has no VERSION marker: "
                        + req.fromDir().resolve(PackagePaths.VERSION_MARKER)));
        SemVer from = SemVer.parse(fromText);
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from version " + from + " is not before --version " + to);
        }
        PackageEngine.readMarker(req.toDir()).ifPresent(v -> {
            if (!SemVer.parse(v).equals(to)) {
                throw new IllegalArgumentException("the --to tree's VERSION is " + v + ", not " + to);
            }
        });
        Operations ops = TreeDiff.diff(req.fromDir(), req.toDir());
        if (ops.count() == 0) {
            throw new IllegalArgumentException("the two trees do not differ (apart from VERSION)");
        }
        Files.createDirectories(req.outDir());
        String arch = req.arch().jsonName();

        List<String> patchContent = new ArrayList<>(ops.replaceDirectories());
        patchContent.addAll(ops.replaceFiles());
        Path patchFile = req.outDir().resolve("patch-" + from + "-" + to + "-" + arch + ".tar.gz");
        Written p = writePackage(req, patchContent, patchFile);
        PatchPackage unsignedPatch = new PatchPackage(url(req, patchFile), p.sha256, p.size, null, null,
                VersionRange.exactly(from.toString()), ops, null);
        PatchPackage patch = sign(req, to, unsignedPatch, (sig, id) -> new PatchPackage(unsignedPatch.url(),
                unsignedPatch.sha256(), unsignedPatch.size(), sig, id, unsignedPatch.fromRange(), ops, null));

        FullPackage full = null;
        Path fullFile = null;
        if (req.includeFull()) {
            List<String> all;
            try (Stream<Path> s = Files.list(req.toDir())) {
                all = s.map(x -> x.getFileName().toString())
                        .filter(n -> !n.equals(PackagePaths.VERSION_MARKER))
                        .sorted()
                        .toList();
            }
            fullFile = req.outDir().resolve("full-" + to + "-" + arch + ".tar.gz");
            Written f = writePackage(req, all, fullFile);
            FullPackage unsignedFull = new FullPackage(url(req, fullFile), f.sha256, f.size, null, null);
            full = sign(req, to, unsignedFull,
                    (sig, id) -> new FullPackage(unsignedFull.url(), unsignedFull.sha256(), unsignedFull.size(), sig,
                            id));
        }

        ReleaseManifest manifest = baseManifest(req, to).withPatch(req.arch(), patch);
        if (full != null) {
            manifest = manifest.withFull(req.arch(), full);
        }
        ManifestCodec.write(req.manifestFile(), manifest);
        return new CreateResult(manifest, patch, patchFile, full, fullFile);
    }

    private static ReleaseManifest baseManifest(CreateRequest req, SemVer to) throws IOException {
        ReleaseManifest existing = null;
        if (Fs.exists(req.manifestFile())) {
            ReleaseManifest m = ManifestCodec.read(req.manifestFile());
            if (m.semVer().equals(to) && m.formatVersion() == ReleaseManifest.FORMAT) {
                existing = m; // same release: add or replace this arch's packages
            }
            // another release, or an older format whose signatures the runner refuses: start afresh
        }
        LocalDate date = req.releaseDate() != null
                ? req.releaseDate()
                : existing != null ? existing.releaseDate() : LocalDate.now(ZoneOffset.UTC);
        String notes = req.notes() != null ? req.notes() : existing != null ? existing.notes() : null;
        return new ReleaseManifest(to.toString(), date, notes, existing == null ? null : existing.full(),
                existing == null ? null : existing.patch());
    }

    private static String url(CreateRequest req, Path file) {
        String name = file.getFileName().toString();
        if (req.baseUrl() == null) {
            return name;
        }
        return req.baseUrl().endsWith("/") ? req.baseUrl() + name : req.baseUrl() + "/" + name;
    }

    private record Written(String sha256, long size) {
    }

    /**
     * Signs the entry's {@link PackageStatement} (never the package bytes: a few hundred bytes whatever the
     * package's size); unsigned when the request has no key.
     */
    private static <T extends PackageArtifact> T sign(CreateRequest req, SemVer version, T entry,
            java.util.function.BiFunction<String, String, T> withSignature) {
        if (req.signingKey() == null) {
            return entry;
        }
        String signature = Ed25519Keys.sign(req.signingKey(),
                PackageStatement.of(version.toString(), req.arch(), entry).bytes());
        return withSignature.apply(signature, Ed25519Keys.keyId(Ed25519Keys.publicKeyOf(req.signingKey())));
    }

    /** Writes the tar.gz (temp file, fsync, rename) and streams it once for its SHA-256. */
    private static Written writePackage(CreateRequest req, List<String> paths, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); TarGzWriter tar = new TarGzWriter(out)) {
            for (String path : paths) {
                tar.add(req.toDir(), path);
            }
        }
        Fs.fsync(tmp);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return new Written(HexFormat.of().formatHex(sha.digest()), Files.size(file));
    }
}
