package dev.patchflow.patchctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCommandTest {

    private static final Path EXAMPLES = Path.of("../examples/schema");

    @Test
    void diffPrintsTheSeedsLastLoginUpgradeAsACommentedPlan() {
        CliRun run = CliRun.of("schema", "diff", "--from", EXAMPLES.resolve("0.0.13/schema.sql").toString(), "--to",
                EXAMPLES.resolve("0.0.13.2/schema.sql").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(
                """
                        -- schema plan: 1 statement

                        -- [1] add column `last_login` datetime
                        -- [1] add index `ix_users_last_login` (`last_login`)
                        ALTER TABLE `users`
                          ADD COLUMN `last_login` datetime NULL DEFAULT NULL COMMENT 'set at each successful login' AFTER `created_at`,
                          ADD KEY `ix_users_last_login` (`last_login`);
                        """);
    }

    @Test
    void destructiveStatementsAreMarkedAndRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        Path from = Files.writeString(dir.resolve("a.sql"), "CREATE TABLE t (id int PRIMARY KEY, old varchar(20));"
                + "CREATE TABLE gone (id int);");
        Path to = Files.writeString(dir.resolve("b.sql"), "CREATE TABLE t (id int PRIMARY KEY);");

        CliRun refused = CliRun.of("schema", "diff", "--from", from.toString(), "--to", to.toString());
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.out()).contains("-- [1] DESTRUCTIVE (drop-column): drop column `old`")
                .contains("-- [2] DESTRUCTIVE (drop-table): drop table `gone`")
                .contains("2 destructive (allowances needed: drop-table, drop-column)");
        assertThat(refused.err()).contains("[1] needs drop-column: ALTER TABLE `t` DROP COLUMN `old`")
                .contains("[2] needs drop-table: DROP TABLE `gone`");

        CliRun allowed = CliRun.of("schema", "diff", "--from", from.toString(), "--to", to.toString(), "--allow",
                "drop-column,drop-table");
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
    }

    @Test
    void anUnparsableFileIsNamedWithLineAndToken(@TempDir Path dir) throws Exception {
        Path from = Files.writeString(dir.resolve("a.sql"), "CREATE TABLE t (id int);\n");
        Path to = Files.writeString(dir.resolve("b.sql"),
                "CREATE TABLE t (\n  id int,\n  name varchar(10) NOT NOT NULL\n);\n");

        CliRun run = CliRun.of("schema", "diff", "--from", from.toString(), "--to", to.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(to + ":3:").contains("'NOT'");
    }

    @Test
    void anUnknownAllowanceIsAUsageErrorNamingTheKnownOnes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a.sql"), "CREATE TABLE t (id int);\n");

        CliRun run = CliRun.of("schema", "diff", "--from", file.toString(), "--to", file.toString(), "--allow",
                "drop-everything");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("unknown allowance 'drop-everything'").contains("drop-column");
    }
}
