package dev.patchflow.sqlschema.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.patchflow.sqlschema.apply.Landing;
import dev.patchflow.sqlschema.apply.PlanApplier;
import dev.patchflow.sqlschema.apply.StatementJournal;
import dev.patchflow.sqlschema.live.LiveSchema;
import dev.patchflow.sqlschema.live.LiveSchemaReader;
import dev.patchflow.sqlschema.model.Normalizer;
import dev.patchflow.sqlschema.model.Schema;
import dev.patchflow.sqlschema.parse.ParsedSchema;
import dev.patchflow.sqlschema.parse.SchemaParser;
import dev.patchflow.sqlschema.plan.Destructive;
import dev.patchflow.sqlschema.plan.Differ;
import dev.patchflow.sqlschema.plan.Guard;
import dev.patchflow.sqlschema.plan.Plan;
import dev.patchflow.sqlschema.plan.PlannedStatement;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/**
 * The corpus on a real MariaDB: for every case the current schema is created, the desired one planned against the
 * live server and compared with the case's expected plan; the guard must refuse exactly the case's destructive
 * kinds without allowances; then the plan runs with them allowed, every statement's recorded after-state is checked
 * against the live tables (what a resume relies on), and the schema read back must diff to nothing.
 */
@ExtendWith(MariaDbExtension.class)
class SchemaCorpusIT {

    private static final String SCHEMA = "corpus";
    private static final Path CORPUS = Path.of("src/test/resources/corpus");

    private final MariaDbServer server;

    SchemaCorpusIT(MariaDbServer server) {
        this.server = server;
    }

    @Test
    void corpusHasAtLeastFortyCases() throws IOException {
        assertThat(files()).hasSizeGreaterThanOrEqualTo(40);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseAppliesReadsBackAndVerifies() throws IOException {
        return files().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> run(file)));
    }

    private static List<Path> files() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(file -> file.toString().endsWith(".sql")).sorted().toList();
        }
    }

    private void run(Path file) throws Exception {
        CorpusCase corpusCase = CorpusCase.read(file);
        server.recreateSchema(SCHEMA, "utf8mb4", "utf8mb4_general_ci");
        try (Connection connection = server.connect(SCHEMA + "?allowMultiQueries=true")) {
            if (!corpusCase.current().isBlank()) {
                connection.createStatement().execute(corpusCase.current());
            }
            for (String sql : corpusCase.data()) {
                connection.createStatement().execute(sql);
            }
            LiveSchemaReader reader = new LiveSchemaReader();
            LiveSchema live = reader.read(connection, SCHEMA);
            ParsedSchema parsed = new SchemaParser().parse(file.getFileName() + " (desired)", corpusCase.desired());
            Schema desired = new Normalizer(live.defaults()).normalize(parsed.schema());
            Plan plan = new Differ(LiveSchemaReader.probe(connection, SCHEMA)).diff(live.schema(), desired,
                    parsed.renames());

            String actual = plan.statements().stream().map(statement -> statement.sql() + ";")
                    .collect(Collectors.joining("\n"));
            if (Boolean.getBoolean("corpus.record")) {
                corpusCase.writePlan(actual);
            } else {
                assertThat(actual).as(corpusCase.title() + "\n" + plan.render()).isEqualTo(corpusCase.plan());
            }

            List<Guard.Offence> refused = Guard.check(plan, Set.of());
            Set<Destructive> refusedKinds = EnumSet.noneOf(Destructive.class);
            refused.forEach(offence -> refusedKinds.addAll(offence.missing()));
            assertThat(refusedKinds).as("destructive kinds refused without allowances").isEqualTo(
                    corpusCase.destructive());
            assertThat(Guard.check(plan, corpusCase.destructive())).as("refused with its allowances").isEmpty();

            List<String> log = new ArrayList<>();
            for (PlannedStatement statement : plan.statements()) {
                new PlanApplier().apply(connection, List.of(statement), StatementJournal.NONE, log::add);
                if (!statement.rerunnable()) {
                    assertThat(PlanApplier.landing(statement, reader.read(connection, SCHEMA).schema()))
                            .as("statement %d's recorded after-state is the live one: %s", statement.number(),
                                    statement.sql())
                            .isEqualTo(Landing.LANDED);
                }
            }
            LiveSchema after = reader.read(connection, SCHEMA);
            Plan remaining = new Differ(LiveSchemaReader.probe(connection, SCHEMA)).diff(after.schema(),
                    new Normalizer(after.defaults()).normalize(parsed.schema()), parsed.renames());
            assertThat(remaining.render()).as("read back after applying").isEqualTo(new Plan(List.of()).render());
        }
    }
}
