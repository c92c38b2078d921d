package dev.patchflow.sdk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.minio.MinioClient;

/**
 * Credentials for MongoDB, MinIO/S3 and Vault, from where a patch pod gets them: an environment variable
 * ({@code envFromSecrets}), a variable naming a file ({@code NAME_FILE}), or a mounted file — a Secret mounted by
 * the runner ({@code secretFiles}, under {@code $PATCHFLOW_SECRETS_DIR/<secret>/<name>}) or written by a Vault
 * Agent ({@code /vault/secrets/<name>}). A name such as {@code mongodb-uri} is looked up as {@code MONGODB_URI},
 * {@code MONGODB_URI_FILE}, then the files. Values are {@link Secret}s and never logged; a missing one is an error
 * that says where it was looked for.
 */
public final class Credentials {

    /** Vault Agent injector's default folder. */
    public static final Path VAULT_AGENT_DIR = Path.of("/vault/secrets");
    /** Where the runner mounts {@code secretFiles} Secrets (also {@code PATCHFLOW_SECRETS_DIR}). */
    public static final Path PATCHFLOW_SECRETS_DIR = Path.of("/var/run/secrets/patchflow");

    private final Map<String, String> env;
    private final List<Path> dirs;

    public Credentials(Map<String, String> env, List<Path> dirs) {
        this.env = Map.copyOf(env);
        this.dirs = List.copyOf(dirs);
    }

    /** The pod's environment and the default folders. */
    public static Credentials fromEnvironment() {
        Map<String, String> env = System.getenv();
        List<Path> dirs = new ArrayList<>();
        dirs.add(Optional.ofNullable(env.get("PATCHFLOW_SECRETS_DIR")).map(Path::of).orElse(PATCHFLOW_SECRETS_DIR));
        dirs.add(VAULT_AGENT_DIR);
        return new Credentials(env, dirs);
    }

    /** {@code mongodb-uri} → {@code MONGODB_URI}. */
    static String variable(String name) {
        return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public Optional<Secret> find(String name, String... aliases) {
        List<String> names = new ArrayList<>();
        names.add(name);
        names.addAll(List.of(aliases));
        for (String candidate : names) {
            String variable = variable(candidate);
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(new Secret(value.trim(), "$" + variable));
            }
            String file = env.get(variable + "_FILE");
            if (file != null && !file.isBlank()) {
                return Optional.of(read(Path.of(file), "$" + variable + "_FILE"));
            }
        }
        for (Path dir : dirs) {
            for (String candidate : names) {
                Optional<Path> file = fileIn(dir, candidate);
                if (file.isPresent()) {
                    return Optional.of(read(file.get(), file.get().toString()));
                }
            }
        }
        return Optional.empty();
    }

    /** A credential that must exist; the error names where it was looked for, never a value. */
    public Secret require(String name, String... aliases) {
        return find(name, aliases).orElseThrow(() -> new IllegalStateException("credential '" + name
                + "' not found: set " + variable(name) + " or " + variable(name) + "_FILE, or mount a file named "
                + name + " in " + String.join(" or ", dirs.stream().map(d -> d + "[/<secret>]").toList())));
    }

    /** A MongoDB client from {@code mongodb-uri} (a URI with its credentials). */
    public MongoClient mongo() {
        return MongoClients.create(require("mongodb-uri", "mongo-uri").reveal());
    }

    /** A MinIO/S3 client from {@code s3-endpoint}, {@code s3-access-key}, {@code s3-secret-key} (or the MINIO_ names). */
    public MinioClient s3() {
        String endpoint = require("s3-endpoint", "minio-endpoint").reveal();
        MinioClient.Builder builder = MinioClient.builder().endpoint(endpoint)
                .region(find("s3-region").map(Secret::reveal).orElse("us-east-1"));
        Optional<Secret> access = find("s3-access-key", "minio-access-key");
        if (access.isPresent()) {
            builder.credentials(access.get().reveal(), require("s3-secret-key", "minio-secret-key").reveal());
        }
        return builder.build();
    }

    /** Vault's address ({@code vault-addr}) and token ({@code vault-token}, or Vault Agent's token file). */
    public VaultKv vault() {
        return new VaultKv(require("vault-addr").reveal(), require("vault-token", "token"));
    }

    private static Optional<Path> fileIn(Path dir, String name) {
        Path direct = dir.resolve(name);
        if (Files.isRegularFile(direct)) {
            return Optional.of(direct);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        // One folder per mounted Secret.
        try (Stream<Path> secrets = Files.list(dir)) {
            return secrets.filter(Files::isDirectory).map(secret -> secret.resolve(name)).filter(Files::isRegularFile)
                    .sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static Secret read(Path file, String origin) {
        try {
            return new Secret(Files.readString(file, StandardCharsets.UTF_8).trim(), origin);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the credential file " + file, e);
        }
    }
}
