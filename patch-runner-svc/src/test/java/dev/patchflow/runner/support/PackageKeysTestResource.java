package dev.patchflow.runner.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.patchflow.pkg.crypto.Ed25519Keys;

/**
 * A signing key made for the test run: the runner trusts its public key (a keys directory, as
 * {@code patchctl package keygen} writes it) and gets a package work dir of its own; the test finds the
 * private key through a system property (test class and resource may live in different class loaders).
 */
public class PackageKeysTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEYS_DIR_PROPERTY = "patchflow.test.package-keys-dir";
    public static final String KEY_NAME = "catalog";

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createTempDirectory("patchflow-package-it-");
            Path keys = Files.createDirectories(root.resolve("keys"));
            Ed25519Keys.writeKeyPair(keys, KEY_NAME);
            System.setProperty(KEYS_DIR_PROPERTY, keys.toString());
            return Map.of("patchflow.runner.package.trusted-keys-dir", keys.toString(),
                    "patchflow.runner.package.work-dir", root.resolve("package-work").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        System.clearProperty(KEYS_DIR_PROPERTY);
    }

    public static Path privateKeyFile() {
        String dir = System.getProperty(KEYS_DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("annotate the test with @WithTestResource(PackageKeysTestResource.class)");
        }
        return Path.of(dir, KEY_NAME + ".key.pem");
    }
}
