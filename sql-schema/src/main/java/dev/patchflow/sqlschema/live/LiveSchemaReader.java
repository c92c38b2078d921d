package dev.patchflow.sqlschema.live;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.patchflow.sqlschema.model.Normalizer;
import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.model.ServerDefaults;
import dev.patchflow.sqlschema.model.Table;
import dev.patchflow.sqlschema.parse.SchemaParseException;
import dev.patchflow.sqlschema.parse.SchemaParser;
import dev.patchflow.sqlschema.plan.Differ;
import dev.patchflow.sqlschema.plan.SqlWriter;

/**
 * Reads a schema from a live MySQL or MariaDB server: the base tables from {@code information_schema.TABLES}, each
 * one's {@code SHOW CREATE TABLE} parsed by the same parser as a desired schema, and normalized with the server's
 * own defaults (the schema's character set and collation from {@code information_schema.SCHEMATA}, each character
 * set's default collation from {@code information_schema.COLLATIONS}, {@code @@default_storage_engine}). Views,
 * routines and triggers are not part of the model and are not read.
 */
public final class LiveSchemaReader {

    private final SchemaParser parser = new SchemaParser();

    public LiveSchema read(Connection connection, String schemaName) throws SQLException, SchemaParseException {
        ServerDefaults defaults = defaults(connection, schemaName);
        String version;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT VERSION()")) {
            rows.next();
            version = rows.getString(1);
        }
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection
                .prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES "
                        + "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            statement.setString(1, schemaName);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        Normalizer normalizer = new Normalizer(defaults);
        Map<String, Table> tables = new LinkedHashMap<>();
        for (String name : names) {
            String ddl;
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SHOW CREATE TABLE " + SqlWriter.ident(schemaName) + "." + SqlWriter.ident(name))) {
                rows.next();
                ddl = rows.getString(2);
            }
            Schema one = parser.parse("table `" + name + "` as the server prints it", ddl).schema();
            for (Table table : one.tables().values()) {
                tables.put(table.name(), normalizer.normalize(table));
            }
        }
        return new LiveSchema(schemaName, new Schema(tables), defaults, version);
    }

    /** The server's defaults for {@code schemaName}; fails naming the schema when the server has none of that name. */
    public ServerDefaults defaults(Connection connection, String schemaName) throws SQLException {
        String charset;
        String collation;
        try (PreparedStatement statement = connection.prepareStatement("SELECT DEFAULT_CHARACTER_SET_NAME, "
                + "DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            statement.setString(1, schemaName);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("the server has no schema `" + schemaName + "`");
                }
                charset = rows.getString(1);
                collation = rows.getString(2);
            }
        }
        Map<String, String> collations = new TreeMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT CHARACTER_SET_NAME, COLLATION_NAME "
                        + "FROM information_schema.COLLATIONS WHERE IS_DEFAULT = 'Yes'")) {
            while (rows.next()) {
                collations.put(ServerDefaults.canonicalCharset(rows.getString(1)), rows.getString(2));
            }
        }
        String engine;
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT @@default_storage_engine")) {
            rows.next();
            engine = rows.getString(1);
        }
        return new ServerDefaults(engine, charset, collation, collations);
    }

    /** Whether columns hold NULLs, asked of the server (for the NULL → NOT NULL guard). */
    public static Differ.DataProbe probe(Connection connection, String schemaName) {
        return (table, column) -> {
            String sql = "SELECT 1 FROM " + SqlWriter.ident(schemaName) + "." + SqlWriter.ident(table) + " WHERE "
                    + SqlWriter.ident(column) + " IS NULL LIMIT 1";
            try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
                return Optional.of(rows.next());
            } catch (SQLException e) {
                return Optional.empty();
            }
        };
    }
}
