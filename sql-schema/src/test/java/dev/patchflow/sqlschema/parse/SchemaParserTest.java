package dev.patchflow.sqlschema.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.patchflow.sqlschema.model.Column;
import dev.patchflow.sqlschema.model.DefaultValue;
import dev.patchflow.sqlschema.model.IndexKind;
import dev.patchflow.sqlschema.model.Table;

class SchemaParserTest {

    private final SchemaParser parser = new SchemaParser();

    @Test
    void unparsableCreateTableNamesFileLineAndToken() {
        String sql = """
                CREATE TABLE `ok` (`id` int PRIMARY KEY);

                CREATE TABLE `users` (
                  `id` int NOT NULL,
                  `name` varchar(20) NOT NULL,,
                  PRIMARY KEY (`id`)
                );
                """;
        assertThatThrownBy(() -> parser.parse("b.sql", sql)).isInstanceOfSatisfying(SchemaParseException.class, e -> {
            assertThat(e.source()).isEqualTo("b.sql");
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.token()).isEqualTo(",");
            assertThat(e.getMessage()).startsWith("b.sql:5:").contains("CREATE TABLE `users`")
                    .contains("unexpected token ','");
        });
    }

    @Test
    void aStatementTypeTheModelDoesNotUnderstandIsRefusedByName() {
        String sql = """
                CREATE TABLE `t` (`id` int PRIMARY KEY);
                INSERT INTO `t` VALUES (1);
                """;
        assertThatThrownBy(() -> parser.parse("seed.sql", sql)).isInstanceOf(SchemaParseException.class)
                .hasMessage("seed.sql:2:1: INSERT is not part of a schema definition: a desired schema holds "
                        + "CREATE TABLE and CREATE INDEX statements only");
        assertThatThrownBy(() -> parser.parse("v.sql", "CREATE VIEW v AS SELECT 1;"))
                .hasMessageContaining("v.sql:1:1: CREATE VIEW is not part of a schema definition");
        assertThatThrownBy(() -> parser.parse("d.sql", "\n  DROP TABLE `t`;"))
                .hasMessageContaining("d.sql:2:3: DROP TABLE is not part of a schema definition");
        assertThatThrownBy(() -> parser.parse("a.sql", "ALTER TABLE t ADD COLUMN c int;"))
                .hasMessageContaining("ALTER TABLE is not part of a schema definition");
    }

    @Test
    void unsupportedPartsOfACreateTableAreRefusedByName() {
        assertThatThrownBy(() -> parser.parse("c.sql", "CREATE TABLE t (a int CHECK (a > 0));"))
                .hasMessageContaining("'CHECK' is not supported");
        assertThatThrownBy(() -> parser.parse("j.sql", "CREATE TABLE t (a json);"))
                .hasMessageContaining("JSON columns are not supported");
        assertThatThrownBy(() -> parser.parse("o.sql", "CREATE TABLE t (a int) KEY_BLOCK_SIZE=8;"))
                .hasMessageContaining("o.sql:1:").hasMessageContaining("'KEY_BLOCK_SIZE'");
        assertThatThrownBy(() -> parser.parse("x.sql", "CREATE TABLE t (a int, KEY `k` (`b`));"))
                .hasMessageContaining("names column `b`, which the table does not have");
    }

    @Test
    void readsEveryColumnAttributeTheModelKeeps() throws Exception {
        Table table = parser.parse("a.sql", """
                CREATE TABLE `users` (
                  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,
                  `name` varchar(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '' COMMENT 'the name',
                  `created` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE CURRENT_TIMESTAMP,
                  `price` decimal(10,2) DEFAULT 0.00,
                  `qty` int DEFAULT (1+2),
                  `total` decimal(12,2) GENERATED ALWAYS AS (`price` * qty) VIRTUAL,
                  `state` enum('a','b''c') DEFAULT 'a',
                  PRIMARY KEY (`id`),
                  UNIQUE KEY `uq_name` (`name`(20), `id`),
                  FULLTEXT KEY `ft_name` (`name`)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 ROW_FORMAT=DYNAMIC COMMENT='users';
                """).schema().table("users").orElseThrow();
        Column id = table.column("id").orElseThrow();
        assertThat(id.type().name()).isEqualTo("bigint");
        assertThat(id.type().args()).isEmpty();
        assertThat(id.type().unsigned()).isTrue();
        assertThat(id.autoIncrement()).isTrue();
        Column name = table.column("name").orElseThrow();
        assertThat(name.charset()).isEqualTo("utf8mb4");
        assertThat(name.collation()).isEqualTo("utf8mb4_bin");
        assertThat(name.defaultValue()).isEqualTo(DefaultValue.literal(""));
        assertThat(name.comment()).isEqualTo("the name");
        Column created = table.column("created").orElseThrow();
        assertThat(created.defaultValue()).isEqualTo(DefaultValue.expression("current_timestamp()"));
        assertThat(created.onUpdate()).isEqualTo("current_timestamp()");
        assertThat(table.column("qty").orElseThrow().defaultValue()).isEqualTo(DefaultValue.expression("1 + 2"));
        assertThat(table.column("total").orElseThrow().generated().expression()).isEqualTo("`price` * `qty`");
        assertThat(table.column("state").orElseThrow().type().args()).containsExactly("a", "b'c");
        assertThat(table.index("uq_name").orElseThrow().parts().get(0).prefix()).isEqualTo(20);
        assertThat(table.index("ft_name").orElseThrow().kind()).isEqualTo(IndexKind.FULLTEXT);
        assertThat(table.options().rowFormat()).isEqualTo("DYNAMIC");
        assertThat(table.options().comment()).isEqualTo("users");
    }

    @Test
    void blankLinesAreWhitespaceAsForMysqlNotStatementEnds() throws Exception {
        ParsedSchema parsed = parser.parse("blank.sql", """
                -- the app's schema


                CREATE TABLE `a` (
                  `id` int,

                  -- @renamed from=old

                  `b` int
                );


                CREATE TABLE `c` (`id` int);
                """);
        assertThat(parsed.schema().tables()).containsOnlyKeys("a", "c");
        assertThat(parsed.renames().columnsOf("a")).containsEntry("b", "old");
    }

    @Test
    void renameAnnotationsAreReadFromComments() throws Exception {
        ParsedSchema parsed = parser.parse("r.sql", """
                -- @renamed from=customer
                CREATE TABLE `customers` (
                  `id` int PRIMARY KEY,
                  `full_name` varchar(40), -- @renamed from=name
                  /* @renamed from=`e mail` */
                  `email` varchar(40),
                  `note` text -- a plain comment
                );
                """);
        assertThat(parsed.renames().tables()).containsEntry("customers", "customer");
        assertThat(parsed.renames().columnsOf("customers")).containsEntry("full_name", "name")
                .containsEntry("email", "e mail").hasSize(2);
    }
}
