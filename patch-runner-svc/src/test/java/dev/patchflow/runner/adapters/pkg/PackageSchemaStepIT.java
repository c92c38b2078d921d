package dev.patchflow.runner.adapters.pkg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import dev.patchflow.pkg.Arch;
import dev.patchflow.pkg.PackageLimits;
import dev.patchflow.pkg.create.CreateRequest;
import dev.patchflow.pkg.create.PackageCreator;
import dev.patchflow.pkg.crypto.TrustedKeys;
import dev.patchflow.pkg.engine.PackageEngine;
import dev.patchflow.pkg.source.PackageSource;
import dev.patchflow.runner.adapters.sql.SqlSchemaPatchExecutor;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.MemorySchemaJournal;
import dev.patchflow.runner.support.PackageFixtures;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.live.Connections;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/**
 * A release package that carries a desired schema beside its files (the seed's upgrade: users gain
 * {@code last_login}; 0.0.13 → 0.0.13.2 there, 0.0.13 → 0.0.14 here because releases are SemVer): the package
 * executor applies the files, then the schema, before the engine commits; a failing schema step rolls the files
 * back and the event says so. Real engine, real MariaDB.
 */
@ExtendWith(MariaDbExtension.class)
class PackageSchemaStepIT {

    private static final String MANIFEST = "s3://catalog/releases/0.0.14/manifest.json";

    private final MariaDbServer server;

    @TempDir
    Path dir;

    private Path catalog;
    private Path install;
    private KeyPair keys;

    PackageSchemaStepIT(MariaDbServer server) {
        this.server = server;
    }

    @BeforeEach
    void release() throws Exception {
        keys = PackageFixtures.newKeys();
        catalog = dir.resolve("catalog");
        Path from = dir.resolve("tree-0.0.13");
        Path to = dir.resolve("tree-0.0.14");
        tree(from, "0.0.13", Path.of("../examples/schema/0.0.13/schema.sql"));
        tree(to, "0.0.14", Path.of("../examples/schema/0.0.13.2/schema.sql"));
        Path out = Files.createDirectories(catalog.resolve("releases/0.0.14"));
        PackageCreator.create(new CreateRequest(from, to, "0.0.14", Arch.X86_64, keys.getPrivate(), out,
                out.resolve("manifest.json"), true, null, "users remember their last login", LocalDate.of(2026, 11,
                        20)));
        install = dir.resolve("fleet/app-01");
        tree(install, "0.0.13", Path.of("../examples/schema/0.0.13/schema.sql"));
        server.recreateSchema("app", "utf8mb4", "utf8mb4_general_ci");
        server.execute("app?allowMultiQueries=true", Files.readString(Path.of("../examples/schema/0.0.13/schema.sql")));
    }

    @Test
    void appliesTheFilesThenTheSchemaAndTheEventSaysBoth() throws Exception {
        ExecutionResult result = run();

        assertThat(result.succeeded()).as(result.failureReason()).isTrue();
        assertThat(result.details()).containsEntry("schemaStep", "APPLIED").containsEntry("schema.verified", "true")
                .containsEntry("toVersion", "0.0.14");
        assertThat(Files.readString(install.resolve("VERSION")).trim()).isEqualTo("0.0.14");
        assertThat(columns()).contains("last_login");
    }

    @Test
    void aFailingSchemaStepRollsTheFilesBackAndTheEventSaysSo() throws Exception {
        // The live users table has a column the release's schema does not: dropping it is destructive and not
        // allowed, so the schema step fails after the files were put in place.
        server.execute("app", "ALTER TABLE users ADD COLUMN nickname varchar(20)");
        Map<String, String> before = PackageFixtures.content(install);

        ExecutionResult result = run();

        assertThat(result.succeeded()).isFalse();
        assertThat(result.failureReason()).startsWith("package apply failed, rolled back to the previous tree")
                .contains("schema step failed: schema plan refused").contains("drop-column");
        assertThat(result.details()).containsEntry("rolledBack", "true").containsEntry("schemaStep", "FAILED");
        assertThat(PackageFixtures.content(install)).isEqualTo(before);
        assertThat(columns()).doesNotContain("last_login").contains("nickname");
    }

    private ExecutionResult run() throws IOException {
        PackageSource source = new PackageSource() {

            @Override
            public boolean supports(URI uri) {
                return "s3".equals(uri.getScheme());
            }

            @Override
            public InputStream open(URI uri) throws IOException {
                Path file = catalog.resolve(uri.getPath().substring(1));
                if (!Files.exists(file)) {
                    throw new NoSuchFileException(uri.toString());
                }
                return Files.newInputStream(file);
            }
        };
        SchemaStepHooks hooks = new SchemaStepHooks(null);
        PackageEngine engine = PackageEngine.builder().source(source).trustedKeys(TrustedKeys.of(keys.getPublic()))
                .limits(PackageLimits.defaults()).hooks(hooks).build();
        SqlSchemaPatchExecutor schema = new SqlSchemaPatchExecutor(source, new MemorySchemaJournal(),
                new Connections(), null);
        PackagePatchExecutor executor = new PackagePatchExecutor(source, engine, null, dir.resolve("work"), 1 << 20)
                .withSchemaStep(schema, hooks);
        PatchSpec patch = new PatchSpec("app", "0.0.14", "package", null, 60, Map.of("manifest", MANIFEST));
        RunContext run = Fixtures.run("run-" + System.nanoTime(), patch, false, Phases.ALL, null);
        Target target = new Target("app-01", "app-01", Target.KIND_DIRECTORY, "dev", "lz", Map.of(), null, "linux",
                "x86_64", "installed", install.toString(), "0.0.13", null, null, null, null,
                new DatabaseTarget("mysql", server.jdbcUrl("app"), "app", null, null, null));
        return executor.execute(new ExecutionRequest(run, target, false, Duration.ofMinutes(1),
                Files.createTempFile(dir, "out-", ".log")));
    }

    private static void tree(Path root, String version, Path schema) throws IOException {
        Files.createDirectories(root.resolve("db"));
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("VERSION"), version + "\n");
        Files.writeString(root.resolve("bin/app"), "app " + version + "\n");
        Files.copy(schema, root.resolve("db/schema.sql"));
    }

    private List<String> columns() throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection connection = server.connect("app");
                ResultSet rows = connection.createStatement().executeQuery("SELECT COLUMN_NAME FROM "
                        + "information_schema.COLUMNS WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = 'users'")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
