package dev.patchflow.patchctl.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.patchctl.cli.CliRun;
import dev.patchflow.patchctl.cli.ExitCodes;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/** {@code patchctl schema plan} against a real MariaDB: the plan from the live schema, nothing changed. */
@ExtendWith(MariaDbExtension.class)
class SchemaPlanIT {

    @Test
    void plansTheLiveSchemaToTheDesiredFileAndChangesNothing(MariaDbServer server, @TempDir Path dir)
            throws Exception {
        server.recreateSchema("app", "utf8mb4", "utf8mb4_general_ci");
        server.execute("app?allowMultiQueries=true", Files.readString(Path.of("../examples/schema/0.0.13/schema.sql")));
        Path credentials = Files.writeString(dir.resolve("db.properties"), "user=root\npassword=\n");

        CliRun run = CliRun.of("schema", "plan", "--url", server.jdbcUrl("app"), "--credentials",
                "file:" + credentials, "--to", "../examples/schema/0.0.13.2/schema.sql");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("-- schema plan: 1 statement").contains("ALTER TABLE `users`")
                .contains("ADD COLUMN `last_login` datetime NULL DEFAULT NULL");
        CliRun again = CliRun.of("schema", "plan", "--url", server.jdbcUrl("app"), "--to",
                "../examples/schema/0.0.13.2/schema.sql");
        assertThat(again.out()).as("plan changed nothing").contains("-- schema plan: 1 statement");

        CliRun same = CliRun.of("schema", "plan", "--url", server.jdbcUrl("app"), "--to",
                "../examples/schema/0.0.13/schema.sql");
        assertThat(same.out()).isEqualTo("-- schema plan: nothing to change, the schema is already as desired\n");
    }

    @Test
    void anUnreachableServerIsNamed(@TempDir Path dir) throws Exception {
        Path desired = Files.writeString(dir.resolve("b.sql"), "CREATE TABLE t (id int);\n");

        CliRun run = CliRun.of("schema", "plan", "--url", "jdbc:mariadb://127.0.0.1:1/app?connectTimeout=2000", "--to",
                desired.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(run.err()).contains("cannot connect to jdbc:mariadb://127.0.0.1:1/app");
    }
}
