package dev.patchflow.backup.adapters.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.backup.domain.ArchiveDigest;
import dev.patchflow.backup.domain.ArchiveStore;
import dev.patchflow.backup.domain.BackupFailureException;
import dev.patchflow.backup.domain.BackupMethod;
import dev.patchflow.backup.domain.RestorePoint;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/** The {@code mysql} restore point on a real MariaDB: a dump with its checksum, which restores the schema. */
@ExtendWith(MariaDbExtension.class)
class SchemaDumpMethodIT {

    @TempDir
    Path dir;

    @Test
    void dumpsTheSchemaAndItsRowsWithAChecksumAndTheDumpRestoresThem(MariaDbServer server) throws Exception {
        server.recreateSchema("shop", "utf8mb4", "utf8mb4_general_ci");
        server.execute("shop", "CREATE TABLE `users` (`id` int PRIMARY KEY, `name` varchar(20), `blob` varbinary(4))",
                "CREATE TABLE `orders` (`id` int PRIMARY KEY, `user_id` int, `total` decimal(8,2), "
                        + "`double_total` decimal(9,2) AS (`total` * 2) VIRTUAL, "
                        + "CONSTRAINT `fk_o_u` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`))",
                "INSERT INTO users VALUES (1, 'it''s me', 0x0102), (2, NULL, NULL)",
                "INSERT INTO orders (id, user_id, total) VALUES (10, 1, 12.50)");
        Path objects = Files.createDirectories(dir.resolve("store"));
        SchemaDumpMethod method = new SchemaDumpMethod(store(objects), new Connections(), dir.resolve("work"));

        RestorePoint point = method.create(job(server, Map.of("backupData", "true")));

        Path object = objects.resolve(SchemaDumpMethod.objectKey("r1", "shop-db"));
        assertThat(point.location()).isEqualTo("s3://test/backups/r1/shop-db.sql.gz");
        assertThat(point.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(object))));
        assertThat(point.sizeBytes()).isEqualTo(Files.size(object));
        assertThat(point.details()).containsEntry("tables", "2").containsEntry("rows", "3")
                .containsEntry("data", "true").containsEntry("schema", "shop");

        String dump;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
            dump = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(dump).contains("CREATE TABLE `orders`").contains("CREATE TABLE `users`")
                .contains("INSERT INTO `users` (`id`, `name`, `blob`) VALUES (1, 'it''s me', 0x0102);");

        server.recreateSchema("restored", "utf8mb4", "utf8mb4_general_ci");
        server.execute("restored?allowMultiQueries=true", dump);
        try (Connection connection = server.connect("restored");
                ResultSet rows = connection.createStatement().executeQuery(
                        "SELECT u.name, o.double_total FROM orders o JOIN users u ON u.id = o.user_id")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("it's me");
            assertThat(rows.getBigDecimal(2)).isEqualByComparingTo("25.00");
        }
    }

    @Test
    void withoutTheDataParameterOnlyTheSchemaIsDumped(MariaDbServer server) throws Exception {
        server.recreateSchema("shop2", "utf8mb4", "utf8mb4_general_ci");
        server.execute("shop2", "CREATE TABLE `t` (`id` int PRIMARY KEY)", "INSERT INTO t VALUES (1)");
        Path objects = Files.createDirectories(dir.resolve("store2"));
        SchemaDumpMethod method = new SchemaDumpMethod(store(objects), new Connections(), dir.resolve("work"));

        RestorePoint point = method.create(new BackupMethod.Job(run(Map.of()), target(server, "shop2"), 1));

        assertThat(point.details()).containsEntry("data", "false").doesNotContainKey("rows");
    }

    @Test
    void anUnreachableServerIsABackupFailureNamingIt() {
        SchemaDumpMethod method = new SchemaDumpMethod(store(dir), new Connections(), dir.resolve("work"));
        Target target = new Target("db", "db", Target.KIND_MYSQL, "dev", "lz", Map.of(), null, null, null, null, null,
                null, null, null, null, null,
                new DatabaseTarget("mysql", "jdbc:mariadb://127.0.0.1:1/x?connectTimeout=2000", "x", null, null,
                        null));

        assertThatThrownBy(() -> method.create(new BackupMethod.Job(run(Map.of()), target, 1)))
                .isInstanceOf(BackupFailureException.class)
                .hasMessageContaining("cannot dump schema `x` of jdbc:mariadb://127.0.0.1:1/x");
    }

    private static BackupMethod.Job job(MariaDbServer server, Map<String, String> parameters) {
        return new BackupMethod.Job(run(parameters), target(server, "shop"), 1);
    }

    private static Target target(MariaDbServer server, String schema) {
        return new Target("shop-db", "shop-db", Target.KIND_MYSQL, "dev", "lz", Map.of(), null, null, null, null, null,
                null, null, null, null, null,
                new DatabaseTarget("mysql", server.jdbcUrl(schema), schema, null, null, null));
    }

    private static RunContext run(Map<String, String> parameters) {
        PatchSpec patch = new PatchSpec("shop-schema", "2.0.0", "sql-schema", null, null, parameters);
        return new RunContext("r1", Instant.parse("2026-11-20T09:00:00Z"), "alice", patch,
                new TargetSelector("static", "inventory.yaml", null, List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, null, List.of()));
    }

    private static ArchiveStore store(Path root) {
        return new ArchiveStore() {

            @Override
            public String put(String key, Path archive, ArchiveDigest digest) throws BackupFailureException {
                try {
                    Path object = root.resolve(key);
                    Files.createDirectories(object.getParent());
                    Files.copy(archive, object);
                } catch (IOException e) {
                    throw new BackupFailureException(e.toString(), e);
                }
                return "s3://test/" + key;
            }

            @Override
            public void delete(String key) {
            }
        };
    }
}
