package dev.patchflow.patchctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.patchctl.cli.CliRun;
import dev.patchflow.patchctl.cli.ExitCodes;
import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.crypto.PackageVerifier;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.manifest.ManifestCodec;
import dev.patchflow.pkg.manifest.PackageArtifact;
import dev.patchflow.pkg.manifest.ReleaseManifest;

/**
 * {@code patchctl package publish} against the real embedded S3 server (s3proxy): what ends up in
 * the bucket, and that it is what the runner's S3 source will fetch and verify.
 */
class PackagePublishIT {

    @RegisterExtension
    static final LocalStackExtension STACK = new LocalStackExtension(b -> b.kafka(false).mongo(false));

    @TempDir
    Path dir;
    Path keys;
    Path out;
    MinioClient s3;

    @BeforeEach
    void release() throws IOException {
        Path from = dir.resolve("app-1.0.0");
        Path to = dir.resolve("app-1.1.0");
        write(from, "VERSION", "1.0.0\n");
        write(from, "bin/app", "echo 1.0.0\n");
        write(to, "VERSION", "1.1.0\n");
        write(to, "bin/app", "echo 1.1.0\n");
        write(to, "lib/extra.txt", "new file\n");
        keys = dir.resolve("keys");
        out = dir.resolve("out");
        ok(CliRun.of("package", "keygen", "--out", keys.toString(), "--name", "release"));
        ok(CliRun.of("package", "create", "--from", from.toString(), "--to", to.toString(), "--version", "1.1.0",
                "--arch", "x86_64", "--key", keys.resolve("release.key.pem").toString(), "--out", out.toString(),
                "--full"));
        LocalStack stack = STACK.stack();
        s3 = MinioClient.builder()
                .endpoint(stack.s3Endpoint())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
    }

    @AfterEach
    void closeClient() throws Exception {
        s3.close();
    }

    private static void write(Path root, String path, String content) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static CliRun ok(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        return run;
    }

    private CliRun publish(String catalog, String... extra) {
        LocalStack stack = STACK.stack();
        List<String> args = new ArrayList<>(List.of("package", "publish", "--manifest",
                out.resolve("manifest.json").toString(), "--catalog", catalog, "--s3-endpoint", stack.s3Endpoint(),
                "--s3-access-key", stack.s3AccessKey(), "--s3-secret-key", stack.s3SecretKey()));
        args.addAll(List.of(extra));
        return CliRun.of(args);
    }

    private byte[] get(String s3Uri) throws Exception {
        URI uri = URI.create(s3Uri);
        assertThat(uri.getScheme()).isEqualTo("s3");
        try (InputStream in = s3.getObject(
                GetObjectArgs.builder().bucket(uri.getHost()).object(uri.getPath().substring(1)).build())) {
            return in.readAllBytes();
        }
    }

    private List<String> keysUnder(String bucket, String prefix) throws Exception {
        List<String> names = new ArrayList<>();
        for (Result<Item> r : s3
                .listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
            names.add(r.get().objectName());
        }
        return names;
    }

    @Test
    void uploadsThePackagesAndAManifestWhosePackageUrlsPointAtTheUploadedObjects() throws Exception {
        assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket("releases").build())).isFalse();

        CliRun run = ok(publish("s3://releases/demo-app/1.1.0/"));

        String manifestUri = "s3://releases/demo-app/1.1.0/manifest.json";
        assertThat(run.lastOutLine()).isEqualTo(manifestUri);
        assertThat(run.out()).contains("uploaded s3://releases/demo-app/1.1.0/patch-1.0.0-1.1.0-x86_64.tar.gz",
                "uploaded s3://releases/demo-app/1.1.0/full-1.1.0-x86_64.tar.gz");
        assertThat(keysUnder("releases", "demo-app/")).containsExactlyInAnyOrder("demo-app/1.1.0/manifest.json",
                "demo-app/1.1.0/patch-1.0.0-1.1.0-x86_64.tar.gz", "demo-app/1.1.0/full-1.1.0-x86_64.tar.gz");

        ReleaseManifest published = ManifestCodec.parse(new String(get(manifestUri), StandardCharsets.UTF_8));
        PackageArtifact patch = published.patchFor(Arch.X86_64).orElseThrow();
        PackageArtifact full = published.fullFor(Arch.X86_64).orElseThrow();
        assertThat(patch.url()).isEqualTo("s3://releases/demo-app/1.1.0/patch-1.0.0-1.1.0-x86_64.tar.gz");
        assertThat(full.url()).isEqualTo("s3://releases/demo-app/1.1.0/full-1.1.0-x86_64.tar.gz");

        // What a runner fetches from those URLs passes the checks it makes before applying.
        TrustedKeys trusted = TrustedKeys.fromDirectory(keys);
        for (PackageArtifact artifact : List.of(patch, full)) {
            Path fetched = Files.write(dir.resolve("fetched-" + artifact.sha256()), get(artifact.url()));
            PackageVerifier.Verified verified = new PackageVerifier(trusted, false).verify(fetched, published,
                    Arch.X86_64,
                    artifact);
            assertThat(verified.keyId()).isEqualTo(artifact.keyId());
        }

        // The local manifest keeps its relative URLs: the folder can still be published elsewhere.
        ReleaseManifest local = ManifestCodec.read(out.resolve("manifest.json"));
        assertThat(local.patchFor(Arch.X86_64).orElseThrow().url()).isEqualTo("patch-1.0.0-1.1.0-x86_64.tar.gz");
        assertThat(published.version()).isEqualTo(local.version());
        assertThat(published.patchFor(Arch.X86_64).orElseThrow().sha256())
                .isEqualTo(local.patchFor(Arch.X86_64).orElseThrow().sha256());
    }

    @Test
    void publishingAgainOverwritesTheSameObjectsWithTheSameBytes() throws Exception {
        ok(publish("s3://again/app"));
        byte[] first = get("s3://again/app/manifest.json");

        CliRun second = ok(publish("s3://again/app"));

        assertThat(second.lastOutLine()).isEqualTo("s3://again/app/manifest.json");
        assertThat(get("s3://again/app/manifest.json")).isEqualTo(first);
        assertThat(keysUnder("again", "")).hasSize(3);
    }

    @Test
    void refusesAPackageThatNoLongerMatchesItsManifestAndUploadsNothing() throws Exception {
        Path patch = out.resolve("patch-1.0.0-1.1.0-x86_64.tar.gz");
        byte[] bytes = Files.readAllBytes(patch);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(patch, bytes);

        CliRun run = publish("s3://patchflow/tampered");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("HASH_MISMATCH", patch.getFileName().toString());
        assertThat(run.out()).isEmpty();
        assertThat(keysUnder("patchflow", "tampered/")).isEmpty();
    }

    @Test
    void aMissingPackageFileIsNamedAndNothingIsUploaded() throws Exception {
        Path full = out.resolve("full-1.1.0-x86_64.tar.gz");
        Files.delete(full);

        CliRun run = publish("s3://patchflow/missing");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("no such file", full.toString());
        assertThat(keysUnder("patchflow", "missing/")).isEmpty();
    }

    @Test
    void takesTheS3SettingsFromSystemPropertiesWhenNoFlagsAreGiven() throws Exception {
        LocalStack stack = STACK.stack();
        System.setProperty("patchflow.s3.endpoint", stack.s3Endpoint());
        System.setProperty("patchflow.s3.access-key", stack.s3AccessKey());
        System.setProperty("patchflow.s3.secret-key", stack.s3SecretKey());
        try {
            CliRun run = ok(CliRun.of("package", "publish", "--manifest", out.resolve("manifest.json").toString(),
                    "--catalog", "s3://patchflow"));

            assertThat(run.lastOutLine()).isEqualTo("s3://patchflow/manifest.json");
            assertThat(sha256(get("s3://patchflow/patch-1.0.0-1.1.0-x86_64.tar.gz")))
                    .isEqualTo(ManifestCodec.read(out.resolve("manifest.json")).patchFor(Arch.X86_64).orElseThrow()
                            .sha256());
        } finally {
            System.clearProperty("patchflow.s3.endpoint");
            System.clearProperty("patchflow.s3.access-key");
            System.clearProperty("patchflow.s3.secret-key");
        }
    }

    @Test
    void wrongCredentialsAreAnS3ErrorNamingTheEndpoint() {
        LocalStack stack = STACK.stack();
        CliRun run = CliRun.of("package", "publish", "--manifest", out.resolve("manifest.json").toString(),
                "--catalog", "s3://patchflow/denied", "--s3-endpoint", stack.s3Endpoint(), "--s3-access-key",
                stack.s3AccessKey(), "--s3-secret-key", "wrong");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("S3 at " + STACK.stack().s3Endpoint(), "refused");
    }

    @Test
    void findsPackagesBesideTheManifestWhenItsUrlsAreAbsoluteAndRewritesThem() throws Exception {
        Path cdn = dir.resolve("cdn");
        ok(CliRun.of("package", "create", "--from", dir.resolve("app-1.0.0").toString(), "--to",
                dir.resolve("app-1.1.0").toString(), "--version", "1.1.0", "--arch", "aarch64", "--key",
                keys.resolve("release.key.pem").toString(), "--out", cdn.toString(), "--base-url",
                "https://downloads.example.com/app/1.1.0"));
        assertThat(ManifestCodec.read(cdn.resolve("manifest.json")).patchFor(Arch.AARCH64).orElseThrow().url())
                .startsWith("https://downloads.example.com/");
        LocalStack stack = STACK.stack();

        CliRun run = ok(CliRun.of("package", "publish", "--manifest", cdn.resolve("manifest.json").toString(),
                "--catalog", "s3://patchflow-catalog/app", "--s3-endpoint", stack.s3Endpoint(), "--s3-access-key",
                stack.s3AccessKey(), "--s3-secret-key", stack.s3SecretKey()));

        ReleaseManifest published = ManifestCodec
                .parse(new String(get(run.lastOutLine()), StandardCharsets.UTF_8));
        PackageArtifact patch = published.patchFor(Arch.AARCH64).orElseThrow();
        assertThat(patch.url()).isEqualTo("s3://patchflow-catalog/app/patch-1.0.0-1.1.0-aarch64.tar.gz");
        assertThat(sha256(get(patch.url()))).isEqualTo(patch.sha256());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
