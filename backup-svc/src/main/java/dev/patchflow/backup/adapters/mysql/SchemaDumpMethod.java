package dev.patchflow.backup.adapters.mysql;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.BackupRecord;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.SchemaPlans;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.plan.SqlWriter;

/**
 * Restore points of {@code mysql} targets: a gzipped SQL dump of the schema ({@code SHOW CREATE TABLE} of every base
 * table, in one consistent InnoDB snapshot), and of its rows too when the run asks for it
 * ({@code patch.parameters.backupData=true}), written over JDBC (no client binary in the image) to
 * {@code backups/<runId>/<targetId>.sql.gz} with its SHA-256. A redone attempt overwrites the same key. Restore:
 * {@code gunzip -c dump.sql.gz | mariadb <schema>}.
 */
public final class SchemaDumpMethod implements BackupMethod {

    public static final String NAME = "schema-dump";
    public static final String PARAM_BACKUP_DATA = "backupData";

    private final ArchiveStore store;
    private final Connections connections;
    private final Path workDir;

    public SchemaDumpMethod(ArchiveStore store, Connections connections, Path workDir) {
        this.store = store;
        this.connections = connections;
        this.workDir = workDir;
    }

    public static String objectKey(String runId, String targetId) {
        return "backups/" + runId + "/" + targetId + ".sql.gz";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(Target.KIND_MYSQL);
    }

    @Override
    public RestorePoint create(Job job) throws BackupFailureException {
        Target target = job.target();
        DatabaseTarget database = target.database();
        if (database == null || database.url() == null || database.url().isBlank()) {
            throw new BackupFailureException("mysql target " + target.id() + " has no database.url");
        }
        String schema;
        try {
            schema = database.schema() != null && !database.schema().isBlank()
                    ? database.schema()
                    : SchemaPlans.schemaOf(database.url());
        } catch (IllegalArgumentException e) {
            throw new BackupFailureException(e.getMessage(), e);
        }
        boolean withData = Boolean.parseBoolean(job.run().patch().parameters().get(PARAM_BACKUP_DATA));
        Path temp;
        try {
            Files.createDirectories(workDir);
            temp = Files.createTempFile(workDir, "dump-", ".sql.gz");
        } catch (IOException e) {
            throw new BackupFailureException("cannot create a temporary dump in " + workDir + ": " + e.getMessage(), e);
        }
        try {
            Dumped dumped;
            try (Connection connection = connections.open(database.url(), database.credentialsRef())) {
                dumped = dump(connection, schema, withData, job, temp);
            } catch (SQLException e) {
                throw new BackupFailureException("cannot dump schema `" + schema + "` of " + database.url() + ": "
                        + e.getMessage(), e);
            } catch (IOException e) {
                throw new BackupFailureException("cannot write the dump of `" + schema + "`: " + e.getMessage(), e);
            }
            String key = objectKey(job.runId(), job.targetId());
            ArchiveDigest digest = new ArchiveDigest(dumped.sha256(), Files.size(temp), dumped.tables());
            String location = store.put(key, temp, digest);
            Map<String, String> details = new TreeMap<>();
            details.put("schema", schema);
            details.put("tables", Integer.toString(dumped.tables()));
            details.put("data", Boolean.toString(withData));
            if (withData) {
                details.put("rows", Long.toString(dumped.rows()));
            }
            return new RestorePoint(location, key, digest.sha256(), digest.sizeBytes(), new TreeMap<>(details));
        } catch (IOException e) {
            throw new BackupFailureException("cannot read the dump " + temp + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a temp file
            }
        }
    }

    private record Dumped(String sha256, int tables, long rows) {
    }

    private static Dumped dump(Connection connection, String schema, boolean withData, Job job, Path file)
            throws SQLException, IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        connection.setAutoCommit(false);
        try (Statement snapshot = connection.createStatement()) {
            // One consistent view of every InnoDB table, without locking writers out.
            snapshot.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            snapshot.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
        }
        List<String> tables = new ArrayList<>();
        try (PreparedStatement statement = connection
                .prepareStatement("SELECT TABLE_NAME FROM information_schema.TABLES "
                        + "WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
            statement.setString(1, schema);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        long rowCount = 0;
        try (OutputStream raw = Files.newOutputStream(file);
                DigestOutputStream digest = new DigestOutputStream(raw, sha256);
                GZIPOutputStream gzip = new GZIPOutputStream(digest);
                BufferedWriter out = new BufferedWriter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8))) {
            out.write("-- Patchflow schema dump of `" + schema + "`" + (withData ? " with data" : "") + ", run "
                    + job.runId() + ", target " + job.targetId() + ", " + Instant.now() + "\n");
            out.write("SET NAMES utf8mb4;\nSET FOREIGN_KEY_CHECKS = 0;\n\n");
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                        ResultSet rows = statement.executeQuery(
                                "SHOW CREATE TABLE " + SqlWriter.ident(schema) + "." + SqlWriter.ident(table))) {
                    rows.next();
                    out.write("DROP TABLE IF EXISTS " + SqlWriter.ident(table) + ";\n");
                    out.write(rows.getString(2) + ";\n\n");
                }
                if (withData) {
                    rowCount += dumpRows(connection, schema, table, out);
                }
            }
            out.write("SET FOREIGN_KEY_CHECKS = 1;\n");
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
        return new Dumped(HexFormat.of().formatHex(sha256.digest()), tables.size(), rowCount);
    }

    private static long dumpRows(Connection connection, String schema, String table, BufferedWriter out)
            throws SQLException, IOException {
        long count = 0;
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet rows = statement
                    .executeQuery("SELECT * FROM " + SqlWriter.ident(schema) + "." + SqlWriter.ident(table))) {
                ResultSetMetaData meta = rows.getMetaData();
                List<String> generated = new ArrayList<>();
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnName(i));
                }
                generated.addAll(generatedColumns(connection, schema, table));
                List<Integer> kept = new ArrayList<>();
                for (int i = 1; i <= names.size(); i++) {
                    if (!generated.contains(names.get(i - 1))) {
                        kept.add(i);
                    }
                }
                String head = "INSERT INTO " + SqlWriter.ident(table) + " ("
                        + SqlWriter.idents(kept.stream().map(i -> names.get(i - 1)).toList()) + ") VALUES (";
                while (rows.next()) {
                    StringBuilder line = new StringBuilder(head);
                    for (int k = 0; k < kept.size(); k++) {
                        if (k > 0) {
                            line.append(", ");
                        }
                        line.append(literal(rows.getObject(kept.get(k))));
                    }
                    out.write(line.append(");\n").toString());
                    count++;
                }
                out.write("\n");
            }
        }
        return count;
    }

    private static List<String> generatedColumns(Connection connection, String schema, String table)
            throws SQLException {
        List<String> generated = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT COLUMN_NAME FROM information_schema."
                + "COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND IS_GENERATED = 'ALWAYS'")) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    generated.add(rows.getString(1));
                }
            }
        }
        return generated;
    }

    private static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value instanceof Boolean b ? (b ? "1" : "0") : value.toString();
        }
        if (value instanceof byte[] bytes) {
            return bytes.length == 0 ? "''" : "0x" + HexFormat.of().formatHex(bytes);
        }
        return SqlWriter.string(value.toString());
    }

    @Override
    public void expire(BackupRecord record) throws BackupFailureException {
        store.delete(record.objectKey());
    }
}
