package dev.patchflow.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A fresh signing key for a {@code @QuarkusTest}: {@code @WithTestResource(LocalAuthTestResource.class)} creates a key
 * pair in a temporary directory and points the service at its public key ({@code mp.jwt.verify.publickey.location},
 * {@code mp.jwt.verify.issuer}). The test mints tokens with {@link #auth()}, which finds the key through the service's
 * configuration (so it works whatever class loader Quarkus loaded the test with).
 */
public class LocalAuthTestResource implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        try {
            dir = Files.createTempDirectory("patchflow-auth-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LocalAuth.open(dir).serviceProperties();
    }

    @Override
    public void stop() {
        if (dir != null) {
            FileTrees.deleteQuietly(dir);
        }
    }

    /** The key the running service trusts. */
    public static LocalAuth auth() {
        String location = ConfigProvider.getConfig().getValue("mp.jwt.verify.publickey.location", String.class);
        return LocalAuth.open(Path.of(location).getParent());
    }

    /** A valid one-hour token for one role. */
    public static String token(String role) {
        return auth().roleToken(role, Duration.ofHours(1));
    }

    /** A token of the right issuer and role that expired ten minutes ago (beyond any clock skew allowance). */
    public static String expiredToken(String role) {
        return auth().token("expired-" + role, List.of(role), Instant.now().minus(Duration.ofMinutes(30)),
                Duration.ofMinutes(20));
    }

    /** A well-formed token of the right issuer and role, signed by a key the service does not trust. */
    public static String foreignToken(String role) {
        try {
            Path other = Files.createTempDirectory("patchflow-foreign-auth-");
            try {
                return LocalAuth.open(other).roleToken(role, Duration.ofHours(1));
            } finally {
                FileTrees.deleteQuietly(other);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
