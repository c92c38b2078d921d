package dev.patchflow.patchctl.pkg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;

import dev.patchflow.patchctl.request.UsageException;
import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageRefusedException;
import dev.patchflow.pkg.PackageRefusedException.Reason;
import dev.patchflow.pkg.manifest.FullPackage;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.PatchPackage;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * {@code patchctl package publish}: puts a release manifest and every package it references into an
 * S3 catalog ({@code s3://<bucket>/<prefix>/}), with the package URLs of the uploaded manifest
 * rewritten to their {@code s3://} objects so that the runner's S3 package source can fetch them
 * wherever the manifest was built.
 * <p>
 * Packages are uploaded first and the manifest last: a runner that reads the manifest finds every
 * package it names. Every local package is checked against its manifest entry (size, SHA-256)
 * before anything is uploaded, so a stale or truncated file is never published. Publishing again
 * overwrites the same objects with the same bytes.
 */
public final class CatalogPublisher {

    private static final Logger LOG = Logger.getLogger(CatalogPublisher.class.getName());

    private final S3Settings s3;

    public CatalogPublisher(S3Settings s3) {
        this.s3 = s3;
    }

    /** One uploaded object. */
    public record Uploaded(String uri, Path file, long size) {
    }

    /** What was published; {@code manifestUri} is what {@code patchctl request --package-manifest} takes. */
    public record Published(String manifestUri, List<Uploaded> packages, ReleaseManifest manifest) {
    }

    public Published publish(Path manifestFile, S3Location catalog) {
        ReleaseManifest local = readManifest(manifestFile);
        Path manifestDir = manifestFile.toAbsolutePath().getParent();

        // Resolve and check every package before the first upload.
        List<LocalPackage> packages = new ArrayList<>();
        Map<String, Path> byName = new HashMap<>();
        ReleaseManifest rewritten = local;
        for (Arch arch : Arch.values()) {
            PatchPackage patch = local.patchFor(arch).orElse(null);
            if (patch != null) {
                LocalPackage p = localPackage(manifestFile, manifestDir, patch, "patch." + arch.jsonName());
                claimName(byName, p);
                packages.add(p);
                rewritten = rewritten.withPatch(arch,
                        new PatchPackage(catalog.uri(p.name()), patch.sha256(), patch.size(), patch.signature(),
                                patch.keyId(), patch.fromRange(), patch.operations(), patch.notes()));
            }
            FullPackage full = local.fullFor(arch).orElse(null);
            if (full != null) {
                LocalPackage p = localPackage(manifestFile, manifestDir, full, "full." + arch.jsonName());
                claimName(byName, p);
                packages.add(p);
                rewritten = rewritten.withFull(arch, new FullPackage(catalog.uri(p.name()), full.sha256(),
                        full.size(), full.signature(), full.keyId()));
            }
        }
        byte[] manifestJson = ManifestCodec.toJson(rewritten).getBytes(StandardCharsets.UTF_8);
        String manifestName = manifestFile.getFileName().toString();

        MinioClient client = client();
        try {
            ensureBucket(client, catalog.bucket());
            List<Uploaded> uploaded = new ArrayList<>();
            for (LocalPackage p : packages) {
                String key = catalog.key(p.name());
                LOG.fine(() -> "uploading " + p.file() + " to " + catalog.uri(p.name()));
                s3(() -> client.uploadObject(UploadObjectArgs.builder()
                        .bucket(catalog.bucket())
                        .object(key)
                        .filename(p.file().toString())
                        .contentType("application/gzip")
                        .build()), "upload " + p.file() + " to " + catalog.uri(p.name()));
                uploaded.add(new Uploaded(catalog.uri(p.name()), p.file(), p.size()));
            }
            s3(() -> client.putObject(PutObjectArgs.builder()
                    .bucket(catalog.bucket())
                    .object(catalog.key(manifestName))
                    .stream(new ByteArrayInputStream(manifestJson), manifestJson.length, -1)
                    .contentType("application/json")
                    .build()), "upload the manifest to " + catalog.uri(manifestName));
            return new Published(catalog.uri(manifestName), uploaded, rewritten);
        } finally {
            close(client);
        }
    }

    private record LocalPackage(String name, Path file, long size) {
    }

    private static ReleaseManifest readManifest(Path manifestFile) {
        try {
            return ManifestCodec.read(manifestFile);
        } catch (NoSuchFileException e) {
            throw new UsageException("--manifest: no such file: " + manifestFile);
        } catch (IOException e) {
            throw new UsageException("--manifest: cannot read " + manifestFile + ": " + e.getMessage(), e);
        } catch (PackageRefusedException e) {
            throw new UsageException("--manifest " + manifestFile + " is not a valid release manifest: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The local file of a manifest entry: a {@code file:} URL as it is; any other URL by its file
     * name (last path segment) beside the manifest, which is where {@code package create --out}
     * puts the packages when the manifest is in the same folder, even with {@code --base-url}.
     */
    private static LocalPackage localPackage(Path manifestFile, Path manifestDir, PackageArtifact artifact,
            String where) {
        Path file;
        String url = artifact.url();
        URI uri = parseUri(url);
        if (uri != null && "file".equals(uri.getScheme())) {
            file = Path.of(uri);
        } else if (uri != null && uri.getScheme() != null) {
            file = manifestDir.resolve(lastSegment(uri.getPath() == null ? url : uri.getPath()));
        } else {
            file = manifestDir.resolve(url).normalize();
        }
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--manifest " + manifestFile + ": the package of " + where + " (" + url
                    + ") is not there: no such file " + file);
        }
        checkAgainstManifest(file, artifact);
        try {
            return new LocalPackage(file.getFileName().toString(), file, Files.size(file));
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void claimName(Map<String, Path> byName, LocalPackage p) {
        Path other = byName.putIfAbsent(p.name(), p.file());
        if (other != null && !other.equals(p.file())) {
            throw new UsageException("two packages of the manifest have the same file name " + p.name() + " ("
                    + other + ", " + p.file() + "): they would overwrite each other in the catalog");
        }
    }

    private static void checkAgainstManifest(Path file, PackageArtifact artifact) {
        try {
            long size = Files.size(file);
            if (size != artifact.size()) {
                throw new PackageRefusedException(Reason.SIZE_MISMATCH,
                        file + " is " + size + " bytes, the manifest says " + artifact.size());
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0;) {
                    sha.update(buf, 0, n);
                }
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(artifact.sha256())) {
                throw new PackageRefusedException(Reason.HASH_MISMATCH,
                        file + " has SHA-256 " + actual + ", the manifest says " + artifact.sha256());
            }
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private MinioClient client() {
        MinioClient client;
        try {
            client = MinioClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey())
                    .region(s3.region())
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--s3-endpoint '" + s3.endpoint() + "' is not a usable URL: " + e.getMessage(),
                    e);
        }
        long millis = s3.timeout().toMillis();
        client.setTimeout(millis, millis, millis);
        return client;
    }

    private void ensureBucket(MinioClient client, String bucket) {
        boolean exists = s3(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()),
                "look up bucket " + bucket);
        if (!exists) {
            LOG.fine(() -> "creating bucket " + bucket + " at " + s3.endpoint());
            try {
                s3(() -> {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(s3.region()).build());
                    return null;
                }, "create bucket " + bucket);
            } catch (S3UnreachableException e) {
                // Another publisher may have created it in between; only its absence is an error.
                if (!s3(() -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()),
                        "look up bucket " + bucket)) {
                    throw e;
                }
            }
        }
    }

    private interface S3Call<T> {

        T call() throws MinioException, IOException, GeneralSecurityException;
    }

    private <T> T s3(S3Call<T> call, String what) {
        try {
            return call.call();
        } catch (ErrorResponseException e) {
            throw new S3UnreachableException("S3 at " + s3.endpoint() + " refused to " + what + ": "
                    + e.errorResponse().code() + " " + e.errorResponse().message(), e);
        } catch (IOException e) {
            throw new S3UnreachableException("S3 not reachable at " + s3.endpoint() + " (" + what + "): "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (MinioException e) {
            throw new S3UnreachableException("S3 at " + s3.endpoint() + " failed to " + what + ": " + e.getMessage(),
                    e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign S3 requests: " + e.getMessage(), e);
        }
    }

    private static void close(MinioClient client) {
        try {
            client.close();
        } catch (Exception e) {
            LOG.fine(() -> "closing the S3 client: " + e);
        }
    }

    private static URI parseUri(String url) {
        try {
            return new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }
}
