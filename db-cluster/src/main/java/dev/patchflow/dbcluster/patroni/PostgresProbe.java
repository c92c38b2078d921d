package dev.patchflow.dbcluster.patroni;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.postgresql.Driver;

import dev.patchflow.dbcluster.ClusterException;
import dev.patchflow.dbcluster.Credentials;

/** One-shot JDBC probes of a PostgreSQL server (the driver directly: no pool for a query every few seconds). */
final class PostgresProbe {

    private static final Driver DRIVER = new Driver();

    String queryOne(String host, int port, String database, Credentials credentials, String sql) {
        try (Connection c = connect(host, port, database, credentials);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new ClusterException("'" + sql + "' on " + host + ":" + port + " returned no row");
            }
            return rs.getString(1);
        } catch (SQLException e) {
            throw new ClusterException("'" + sql + "' on " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }

    /** Why the server does not take writes (in recovery, refused); empty when it does. */
    List<String> writable(String host, int port, String database, Credentials credentials) {
        List<String> problems = new ArrayList<>();
        try (Connection c = connect(host, port, database, credentials); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                if (rs.next() && rs.getBoolean(1)) {
                    problems.add(host + ":" + port + " is in recovery (read-only)");
                    return problems;
                }
            }
            s.execute("CREATE TEMP TABLE patchflow_probe (at timestamptz)");
            s.execute("INSERT INTO patchflow_probe VALUES (now())");
        } catch (SQLException e) {
            problems.add(host + ":" + port + " does not take writes: " + e.getMessage());
        }
        return problems;
    }

    static Connection connect(String host, int port, String database, Credentials credentials) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", credentials.userOr("postgres"));
        if (credentials.password() != null) {
            props.setProperty("password", credentials.password());
        }
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "patchflow");
        Connection c = DRIVER.connect("jdbc:postgresql://" + host + ":" + port + "/" + database, props);
        if (c == null) {
            throw new SQLException("the PostgreSQL driver refused the URL");
        }
        return c;
    }
}
