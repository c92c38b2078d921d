package dev.patchflow.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.patchflow.localstack.FileTrees;

/**
 * The demo's signed release, made the way a release engineer makes one: {@code patchctl package
 * keygen}, {@code create} (diffing {@code examples/demo-app} 1.0.0 against {@code examples/demo-app-1.1.0})
 * and {@code publish} to the patch catalog bucket that patch-runner-svc's package executor reads.
 */
public final class DemoRelease {

    public static final String VERSION = "1.1.0";
    public static final String CATALOG_BUCKET = "patchflow-catalog";
    private static final String KEY_NAME = "demo-release";

    private final Path home;
    private final Path keys;
    private final Path dist;
    private final Patchctl patchctl;

    public DemoRelease(Path home, Path dataDir) {
        this.home = home;
        this.keys = dataDir.resolve("keys");
        this.dist = dataDir.resolve("dist/demo-app-" + VERSION);
        this.patchctl = new Patchctl(home);
    }

    /**
     * Makes the signing key (once) and the signed patch and full packages with their manifest (once, and again
     * when the one made earlier no longer verifies, e.g. a manifest of format 1 from before signed statements).
     */
    public void build() throws IOException, InterruptedException {
        if (!Files.exists(keys.resolve(KEY_NAME + ".key.pem"))) {
            run(List.of("package", "keygen", "--out", keys.toString(), "--name", KEY_NAME));
        }
        if (Files.exists(dist.resolve("manifest.json")) && !verifies()) {
            FileTrees.delete(dist);
        }
        if (!Files.exists(dist.resolve("manifest.json"))) {
            run(List.of("package", "create",
                    "--from", home.resolve("examples/demo-app").toString(),
                    "--to", home.resolve("examples/demo-app-" + VERSION).toString(),
                    "--version", VERSION,
                    "--arch", machineArch(),
                    "--key", keys.resolve(KEY_NAME + ".key.pem").toString(),
                    "--out", dist.toString(),
                    "--full",
                    "--notes", "Demo release: new feature flags, larger connection pool."));
        }
    }

    /** Whether the release made earlier still verifies with the key (the runner would accept it). */
    private boolean verifies() throws IOException, InterruptedException {
        String patchFile = "patch-1.0.0-" + VERSION + "-" + machineArch() + ".tar.gz";
        return patchctl.run(List.of("package", "verify", "--manifest", dist.resolve("manifest.json").toString(),
                "--package", dist.resolve(patchFile).toString(), "--keys", keys.toString())) == 0;
    }

    /**
     * Has the runner trust the demo's public key the documented way: {@code patchctl package trust} into the
     * folder the runner reads ({@link PatchflowSystem#trustedKeysDir()}).
     */
    public void trust(Path trustedKeysDir) throws IOException, InterruptedException {
        run(List.of("package", "trust", keys.resolve(KEY_NAME + ".pub.pem").toString(), "--dir",
                trustedKeysDir.toString()));
    }

    /** Uploads the manifest and its packages to the catalog; returns the manifest's {@code s3://} URI. */
    public String publish(String s3Endpoint, String accessKey, String secretKey) throws IOException,
            InterruptedException {
        String catalog = "s3://" + CATALOG_BUCKET + "/demo-app/" + VERSION;
        run(List.of("package", "publish",
                "--manifest", dist.resolve("manifest.json").toString(),
                "--catalog", catalog,
                "--s3-endpoint", s3Endpoint,
                "--s3-access-key", accessKey,
                "--s3-secret-key", secretKey));
        return catalog + "/manifest.json";
    }

    /** The architecture name the manifest uses for this machine (the directory provider's default). */
    public static String machineArch() {
        String arch = System.getProperty("os.arch");
        return arch.equals("aarch64") || arch.equals("arm64") ? "aarch64" : "x86_64";
    }

    private void run(List<String> args) throws IOException, InterruptedException {
        int exit = patchctl.run(args);
        if (exit != 0) {
            throw new IllegalStateException("patchctl " + String.join(" ", args.subList(0, 2)) + " failed with exit "
                    + exit);
        }
    }
}
