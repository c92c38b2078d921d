package dev.patchflow.sqlschema.live;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Opens JDBC connections from a URL without credentials and a credentials reference, so that no password ever
 * travels in an event, a URL or a log:
 * <ul>
 * <li>{@code file:/etc/patchflow/db/app.properties}: a properties file with {@code user} and {@code password}
 * (e.g. a mounted Kubernetes Secret);</li>
 * <li>{@code env:APP_DB}: the environment variables {@code APP_DB_USER} and {@code APP_DB_PASSWORD};</li>
 * <li>none: the URL alone (a server that needs no password, such as the tests' local root).</li>
 * </ul>
 */
public final class Connections {

    private final Map<String, String> environment;

    public Connections() {
        this(System.getenv());
    }

    public Connections(Map<String, String> environment) {
        this.environment = environment;
    }

    public Connection open(String url, String credentialsRef) throws SQLException {
        if (url == null || url.isBlank()) {
            throw new SQLException("no JDBC URL");
        }
        if (url.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new SQLException("the JDBC URL carries a password: give it by a credentials reference instead");
        }
        Properties properties = credentials(credentialsRef);
        try {
            return DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            throw new SQLException("cannot connect to " + url + ": " + e.getMessage(), e.getSQLState(), e);
        }
    }

    /** The user and password a reference names; never logged, never part of an error message. */
    public Properties credentials(String reference) throws SQLException {
        Properties properties = new Properties();
        if (reference == null || reference.isBlank()) {
            return properties;
        }
        if (reference.startsWith("file:")) {
            Path file = Path.of(reference.substring("file:".length()));
            Properties read = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                read.load(reader);
            } catch (IOException e) {
                throw new SQLException(
                        "cannot read the credentials file " + file + ": " + e.getClass().getSimpleName());
            }
            copy(read.getProperty("user"), "user", properties, reference);
            copy(read.getProperty("password"), "password", properties, null);
            return properties;
        }
        if (reference.startsWith("env:")) {
            String prefix = reference.substring("env:".length());
            copy(environment.get(prefix + "_USER"), "user", properties, reference + " (" + prefix + "_USER)");
            copy(environment.get(prefix + "_PASSWORD"), "password", properties, null);
            return properties;
        }
        throw new SQLException("unknown credentials reference scheme in '" + reference
                + "' (use file:<path> or env:<PREFIX>)");
    }

    private static void copy(String value, String key, Properties into, String requiredBy) throws SQLException {
        if (value == null || value.isEmpty()) {
            if (requiredBy != null) {
                throw new SQLException("the credentials reference " + requiredBy + " gives no " + key);
            }
            return;
        }
        into.setProperty(key, value);
    }
}
