package dev.patchflow.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;

import dev.patchflow.localstack.LocalStack;
import dev.patchflow.localstack.LocalStackExtension;
import dev.patchflow.localstack.ServiceProcess;
import dev.patchflow.localstack.testing.KafkaProbe;
import dev.patchflow.runner.adapters.mongo.MongoSchemaJournal;
import dev.patchflow.runner.support.Catalog;
import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.runner.support.PackagedRunners;
import dev.patchflow.runner.support.Records;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.sqlschema.testing.MariaDbExtension;
import dev.patchflow.sqlschema.testing.MariaDbServer;

/**
 * Crash safety of the {@code sql-schema} executor with the packaged runner on a real MariaDB: the runner
 * ({@code java -jar quarkus-run.jar}, as the launcher starts it) is parked after the 3rd statement of a 5-statement
 * plan by the test-only hook, killed with SIGKILL, and started again (same instance id) without the hook. The
 * journal's confirmation of statement 3 is removed while the runner is dead, as if it had died between running the
 * statement and recording it: the restart must find it landed from the live schema, not run it again.
 * MariaDB's general log proves every statement ran exactly once; the schema verifies.
 */
@ExtendWith(MariaDbExtension.class)
class PackagedSqlSchemaIT {

    @RegisterExtension
    static LocalStackExtension localStack = new LocalStackExtension();

    private static final String CURRENT = """
            CREATE TABLE `users` (`id` bigint NOT NULL, `name` varchar(40) NOT NULL, PRIMARY KEY (`id`));
            CREATE TABLE `orders` (`id` bigint NOT NULL, `user_id` bigint NOT NULL, PRIMARY KEY (`id`));
            """;
    private static final String DESIRED = """
            CREATE TABLE `users` (
              `id` bigint NOT NULL,
              `name` varchar(40) NOT NULL,
              `last_login` datetime NULL,
              PRIMARY KEY (`id`)
            );
            CREATE TABLE `orders` (
              `id` bigint NOT NULL,
              `user_id` bigint NOT NULL,
              PRIMARY KEY (`id`),
              KEY `ix_orders_user` (`user_id`),
              CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)
            );
            CREATE TABLE `audit` (`id` bigint NOT NULL AUTO_INCREMENT, `what` text, PRIMARY KEY (`id`));
            CREATE TABLE `tags` (`name` varchar(20) NOT NULL, PRIMARY KEY (`name`));
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final PackagedRunners runners = new PackagedRunners();

    @Test
    void aRunnerKilledAfterTheThirdOfFiveStatementsResumesAndEachStatementRunsOnce(MariaDbServer mariadb)
            throws Exception {
        LocalStack stack = localStack.stack();
        mariadb.recreateSchema("shop", "utf8mb4", "utf8mb4_general_ci");
        mariadb.execute("shop?allowMultiQueries=true", CURRENT);
        mariadb.execute("", "SET GLOBAL log_output = 'TABLE'", "SET GLOBAL general_log = 1",
                "TRUNCATE TABLE mysql.general_log");
        Path schemaFile = Files.writeString(dir.resolve("schema.sql"), DESIRED);
        String key = "schemas/" + UUID.randomUUID() + "/schema.sql";
        new Catalog(stack).upload(key, schemaFile);

        PatchSpec patch = new PatchSpec("shop-schema-" + UUID.randomUUID(), "2.0.0", "sql-schema", null, 120,
                Map.of("schema", "s3://" + Catalog.BUCKET + "/" + key));
        RunContext run = Fixtures.run("run-" + UUID.randomUUID(), patch, false, Phases.ALL, null);
        Target target = new Target("shop-db", "shop-db", Target.KIND_MYSQL, "dev", "lz-dev", Map.of(), "127.0.0.1",
                "linux", "x86_64", "running", null, null, null, null, null, null,
                new DatabaseTarget("mysql", mariadb.jdbcUrl("shop"), "shop", null, null, null));
        String runTargetId = run.runId() + "/" + target.id();
        Path signal = dir.resolve("parked");
        String instance = "sql-runner-" + UUID.randomUUID();

        ServiceProcess first = start(stack, instance, "first", signal);
        try (KafkaProbe patches = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.PATCHES)) {
            try (KafkaProbe backups = new KafkaProbe(stack.kafkaBootstrapServers(), Topics.BACKUPS)) {
                backups.send(Records.producerRecord("/patchflow/backup-svc", Fixtures.backupCompleted(run, target)));
            }
            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(signal));
            first.kill(); // SIGKILL mid-plan

            try (MongoClient mongo = MongoClients.create(stack.mongoConnectionString())) {
                MongoCollection<Document> journal = mongo.getDatabase("runner")
                        .getCollection(MongoSchemaJournal.COLLECTION);
                Document parked = journal.find(Filters.eq("_id", runTargetId)).first();
                assertThat(parked).as("the plan is journaled").isNotNull();
                assertThat(parked.getList("statements", Document.class)).hasSize(5);
                assertThat(parked.get("confirmed", Document.class).keySet()).containsExactlyInAnyOrder("1", "2",
                        "3");
                // As if the runner had died between running statement 3 and recording it.
                journal.updateOne(Filters.eq("_id", runTargetId), Updates.unset("confirmed.3"));
            }

            start(stack, instance, "second", null);
            List<ConsumerRecord<String, byte[]>> outcomes = patches.awaitKey(runTargetId, 1);
            PatchApplied applied = Records.CODEC.decode(outcomes.get(0)).as(PatchApplied.class).data();

            assertThat(applied.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(applied.details()).containsEntry("executor", "sql-schema")
                    .containsEntry("statements", "5")
                    .containsEntry("foundApplied", "1")
                    .containsEntry("ran", "2")
                    .containsEntry("verified", "true");
        }

        try (Connection connection = mariadb.connect("");
                Statement statement = connection.createStatement()) {
            statement.execute("SET GLOBAL general_log = 0");
            List<String> ddl = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT CONVERT(argument USING utf8mb4) FROM "
                    + "mysql.general_log WHERE command_type = 'Query'")) {
                while (rows.next()) {
                    String sql = rows.getString(1).strip();
                    if (sql.startsWith("ALTER TABLE") || sql.startsWith("CREATE TABLE")) {
                        ddl.add(sql);
                    }
                }
            }
            assertThat(ddl).as("every statement of the plan ran exactly once").hasSize(5).doesNotHaveDuplicates();
        }
        try (Connection connection = mariadb.connect("shop");
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW CREATE TABLE `orders`")) {
            rows.next();
            assertThat(rows.getString(2)).contains("CONSTRAINT `fk_orders_user` FOREIGN KEY (`user_id`)");
        }
    }

    private ServiceProcess start(LocalStack stack, String instance, String name, Path signal)
            throws IOException, InterruptedException {
        Map<String, String> properties = new HashMap<>(stack.serviceProperties());
        properties.put("patchflow.runner.instance-id", instance);
        properties.put("patchflow.runner.poll-interval", "200ms");
        if (signal != null) {
            properties.put("patchflow.runner.sql-schema.test-only-pause-after", "3");
            properties.put("patchflow.runner.sql-schema.test-only-pause-signal", signal.toString());
        }
        return runners.start("packaged-sql-schema-runner-" + name, properties);
    }
}
