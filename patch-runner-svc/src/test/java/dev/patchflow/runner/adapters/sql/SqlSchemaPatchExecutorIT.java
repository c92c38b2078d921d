package dev.patchflow.runner.adapters.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.MemorySchemaJournal;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/** The {@code sql-schema} executor against a real MariaDB (the journal in memory, the catalog a map). */
@ExtendWith(MariaDbExtension.class)
class SqlSchemaPatchExecutorIT {

    private static final String V1 = "CREATE TABLE `users` (`id` bigint PRIMARY KEY, `nick` varchar(40), "
            + "`legacy` int);";
    private static final String V2 = """
            CREATE TABLE `users` (
              `id` bigint PRIMARY KEY,
              `nick` varchar(40),
              `legacy` int,
              `last_login` datetime NULL
            );
            """;
    private static final String V3_DESTRUCTIVE = "CREATE TABLE `users` (`id` bigint PRIMARY KEY, `nick` varchar(10));";

    private final MariaDbServer server;
    private final Map<String, String> catalog = new HashMap<>();
    private final MemorySchemaJournal journal = new MemorySchemaJournal();
    private SqlSchemaPatchExecutor executor;

    @TempDir
    Path dir;

    SqlSchemaPatchExecutorIT(MariaDbServer server) {
        this.server = server;
    }

    @BeforeEach
    void schema() throws Exception {
        server.recreateSchema("app", "utf8mb4", "utf8mb4_general_ci");
        server.execute("app", V1);
        catalog.put("s3://patchflow-catalog/v2.sql", V2);
        catalog.put("s3://patchflow-catalog/v3.sql", V3_DESTRUCTIVE);
        catalog.put("s3://patchflow-catalog/bad.sql", "CREATE TABLE `users` (\n  `id` bigint PRIMARY KEY,,\n);");
        PackageSource source = new PackageSource() {

            @Override
            public boolean supports(URI uri) {
                return "s3".equals(uri.getScheme());
            }

            @Override
            public InputStream open(URI uri) throws IOException {
                String text = catalog.get(uri.toString());
                if (text == null) {
                    throw new IOException(uri + ": NoSuchKey");
                }
                return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            }
        };
        executor = new SqlSchemaPatchExecutor(source, journal, new Connections(), null);
    }

    @Test
    void appliesTheSeedsLastLoginUpgradeVerifiesAndASecondRunIsAlreadyApplied() throws Exception {
        ExecutionResult first = execute("v2.sql", null, false);

        assertThat(first.succeeded()).as(first.failureReason()).isTrue();
        assertThat(first.status()).isNull(); // APPLIED
        assertThat(first.details()).containsEntry("statements", "1").containsEntry("ran", "1")
                .containsEntry("verified", "true").containsKey("desiredSha256");
        assertThat(columns()).contains("last_login");
        assertThat(journal.journals.values().iterator().next().confirmed()).containsEntry(1, "ran");

        ExecutionResult second = execute("v2.sql", null, false);
        assertThat(second.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
        assertThat(second.details()).containsEntry("statements", "0");
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        ExecutionResult result = execute("v2.sql", null, true);

        assertThat(result.succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("out.log"))).contains("ADD COLUMN `last_login`");
        assertThat(columns()).doesNotContain("last_login");
        assertThat(journal.journals).isEmpty();
    }

    @Test
    void destructiveStatementsAreRefusedWithTheirListUnlessAllowedPerKind() throws Exception {
        ExecutionResult refused = execute("v3.sql", null, false);

        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.failureReason()).startsWith("schema plan refused: 1 destructive statement(s) need "
                + "allowances").contains("drop-column").contains("narrow-type").contains("DROP COLUMN `legacy`");
        assertThat(columns()).contains("legacy");

        ExecutionResult onlyOne = execute("v3.sql", "drop-column", false);
        assertThat(onlyOne.succeeded()).isFalse();
        assertThat(onlyOne.failureReason()).contains("narrow-type").doesNotContain("needs drop-column");

        ExecutionResult allowed = execute("v3.sql", "drop-column,narrow-type", false);
        assertThat(allowed.succeeded()).as(allowed.failureReason()).isTrue();
        assertThat(allowed.details()).containsEntry("destructive", "drop-column,narrow-type")
                .containsEntry("verified", "true");
        assertThat(columns()).containsExactly("id", "nick");
    }

    @Test
    void anUnreadableDesiredSchemaNamesItsLocationLineAndToken() {
        ExecutionResult result = execute("bad.sql", null, false);

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason())
                .startsWith("desired schema unreadable: s3://patchflow-catalog/bad.sql:2:")
                .contains("unexpected token ','");
    }

    private ExecutionResult execute(String file, String allow, boolean dryRun) {
        Map<String, String> parameters = new TreeMap<>();
        parameters.put("schema", "s3://patchflow-catalog/" + file);
        if (allow != null) {
            parameters.put("allow", allow);
        }
        PatchSpec patch = new PatchSpec("app-schema", "2.0.0", "sql-schema", null, 60, parameters);
        RunContext run = Fixtures.run("run-" + journal.journals.size() + "-" + System.nanoTime(), patch, dryRun,
                Phases.ALL, null);
        Target target = new Target("app-db", "app-db", Target.KIND_MYSQL, "dev", "lz", Map.of(), null, null, null,
                null, null, null, null, null, null, null,
                new DatabaseTarget("mysql", server.jdbcUrl("app"), "app", null, null, null));
        return executor.execute(new ExecutionRequest(run, target, dryRun, Duration.ofMinutes(1),
                dir.resolve("out.log")));
    }

    private List<String> columns() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = server.connect("app");
                ResultSet rows = connection.createStatement().executeQuery("SELECT COLUMN_NAME FROM "
                        + "information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'users' "
                        + "ORDER BY ORDINAL_POSITION")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
