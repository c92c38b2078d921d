package dev.patchflow.dbcluster;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The credentials a {@code credentialsRef} points at, read when they are needed and never logged:
 * {@code file:/etc/patchflow/db/pg-orders.properties} (keys {@code user}, {@code password},
 * {@code replicationUser}, {@code replicationPassword}, {@code restUser}, {@code restPassword}) or
 * {@code env:PG_ORDERS} (variables {@code PG_ORDERS_USER}, {@code PG_ORDERS_PASSWORD}, ...). Without a reference:
 * user {@code postgres} without a password (peer or trust authentication, e.g. on loopback).
 */
public record Credentials(String user, String password, String replicationUser, String replicationPassword,
        String restUser, String restPassword) {

    public static final Credentials NONE = new Credentials(null, null, null, null, null, null);

    @Override
    public String toString() {
        return "Credentials[user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }

    public static Credentials resolve(String ref) {
        return resolve(ref, System.getenv());
    }

    static Credentials resolve(String ref, Map<String, String> env) {
        if (ref == null || ref.isBlank()) {
            return NONE;
        }
        if (ref.startsWith("file:")) {
            Path file = Path.of(ref.substring("file:".length()));
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                p.load(reader);
            } catch (IOException e) {
                throw new ClusterException("cannot read the credentials file " + file + ": " + e.getMessage(), e);
            }
            return new Credentials(p.getProperty("user"), p.getProperty("password"), p.getProperty("replicationUser"),
                    p.getProperty("replicationPassword"), p.getProperty("restUser"), p.getProperty("restPassword"));
        }
        if (ref.startsWith("env:")) {
            String prefix = ref.substring("env:".length());
            return new Credentials(env.get(prefix + "_USER"), env.get(prefix + "_PASSWORD"),
                    env.get(prefix + "_REPLICATION_USER"), env.get(prefix + "_REPLICATION_PASSWORD"),
                    env.get(prefix + "_REST_USER"), env.get(prefix + "_REST_PASSWORD"));
        }
        throw new ClusterException("credentialsRef '" + ref + "' is neither file:<path> nor env:<PREFIX>");
    }

    public String userOr(String fallback) {
        return user == null || user.isBlank() ? fallback : user;
    }
}
