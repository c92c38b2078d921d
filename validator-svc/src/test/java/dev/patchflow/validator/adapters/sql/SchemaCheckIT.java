package dev.patchflow.validator.adapters.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.sun.net.httpserver.HttpServer;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
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

/** The {@code schema} check on a real MariaDB, the desired schema served over HTTP. */
@ExtendWith(MariaDbExtension.class)
class SchemaCheckIT {

    private static final String DESIRED = """
            CREATE TABLE `users` (
              `id` bigint NOT NULL,
              `last_login` datetime NULL,
              PRIMARY KEY (`id`)
            );
            """;

    private final MariaDbServer server;
    private HttpServer http;
    private final SchemaCheck check = new SchemaCheck(Optional.empty(), Optional.empty(), Optional.empty(),
            "us-east-1", new Connections());

    SchemaCheckIT(MariaDbServer server) {
        this.server = server;
    }

    @BeforeEach
    void serveTheDesiredSchema() throws Exception {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/schema.sql", exchange -> {
            byte[] body = DESIRED.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        server.recreateSchema("app", "utf8mb4", "utf8mb4_general_ci");
    }

    @AfterEach
    void stop() {
        http.stop(0);
    }

    @Test
    void passesWhenTheLiveSchemaEqualsTheDesiredOne() throws Exception {
        server.execute("app", "CREATE TABLE `users` (`id` bigint(20) NOT NULL, `last_login` datetime DEFAULT NULL, "
                + "PRIMARY KEY (`id`)) DEFAULT CHARSET=utf8mb4");

        CheckResult result = check.run(spec(), target(), run());

        assertThat(result.passed()).as(result.detail()).isTrue();
        assertThat(result.detail()).isEqualTo("schema `app` equals the desired one (1 tables)");
    }

    @Test
    void failsNamingTheDifference() throws Exception {
        server.execute("app", "CREATE TABLE `users` (`id` bigint NOT NULL PRIMARY KEY)");

        CheckResult result = check.run(spec(), target(), run());

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("schema `app` differs from the desired one: add column `last_login` "
                + "datetime");
    }

    private CheckSpec spec() {
        return new CheckSpec("schema", CheckSpec.SCHEMA, null, null, null, null, null);
    }

    private Target target() {
        return new Target("app-db", "app-db", Target.KIND_MYSQL, "dev", "lz", Map.of(), null, null, null, null, null,
                null, null, null, null, null, new DatabaseTarget("mysql", server.jdbcUrl("app"), "app", null, null,
                        null));
    }

    private RunContext run() {
        PatchSpec patch = new PatchSpec("app-schema", "2.0.0", "sql-schema", null, null,
                Map.of("schema", "http://127.0.0.1:" + http.getAddress().getPort() + "/schema.sql"));
        return new RunContext("r1", Instant.parse("2026-11-20T09:00:00Z"), "alice", patch,
                new TargetSelector("static", "inventory.yaml", null, List.of(), Map.of()),
                new RunOptions(false, Phases.ALL, null, List.of()));
    }
}
