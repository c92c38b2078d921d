package dev.patchflow.scanner.adapters.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PostgresSettings;
import dev.patchflow.dbcluster.testing.MongoReplicaSetStandIn;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * The database provider: Patroni members discovered from {@code GET /cluster} (here a loopback HTTP server
 * answering with bodies recorded from a real Patroni 3.0.2 cluster; the engine itself is tested against a real
 * cluster in db-cluster's PatroniEngineIT) and replica set members with roles from {@code replSetGetStatus} (the
 * wire-level stand-in: no mongod can be installed here).
 */
class DatabaseInventoryProviderTest {

    @TempDir
    Path dir;

    private HttpServer patroni;
    private MongoReplicaSetStandIn replicaSet;

    @AfterEach
    void stop() {
        if (patroni != null) {
            patroni.stop(0);
        }
        if (replicaSet != null) {
            replicaSet.close();
        }
    }

    private DatabaseInventoryProvider provider() {
        return new DatabaseInventoryProvider(new SourcePaths(dir), ClusterEngines.standard(
                new NodeRunners(List.of(new LocalProcessNodeRunner())), new PostgresSettings(Path.of("/nonexistent"),
                        Optional.empty(), dir, Duration.ofMillis(100), Duration.ofSeconds(3))));
    }

    private List<Target> discover(String yaml) throws IOException {
        Files.writeString(dir.resolve("clusters.yaml"), yaml);
        return provider().discover(new TargetSelector("database", "clusters.yaml", null, null, null));
    }

    @Test
    void discoversPatroniMembersWithTheirRolesAndServerVersion() throws IOException {
        startPatroni();
        String api = "http://127.0.0.1:" + patroni.getAddress().getPort();
        Path credentials = Files.writeString(dir.resolve("pg-orders.properties"), "user=patchflow\n");

        List<Target> targets = discover("""
                clusters:
                  - id: pg-orders
                    engine: postgres-patroni
                    patroni: [%s]
                    database: orders
                    credentialsRef: file:%s
                    environment: prod
                    landingZone: lz-db
                    labels: {team: orders}
                """.formatted(api, credentials));

        assertThat(targets).extracting(Target::id, Target::role, Target::installedVersion).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pg-orders.node1", "primary", "15.18"),
                org.assertj.core.groups.Tuple.tuple("pg-orders.node2", "secondary", "15.18"),
                org.assertj.core.groups.Tuple.tuple("pg-orders.node3", "secondary", "15.18"));
        Target node2 = targets.get(1);
        assertThat(node2.kind()).isEqualTo(Target.KIND_POSTGRES_PATRONI);
        assertThat(node2.clusterId()).isEqualTo("pg-orders");
        assertThat(node2.environment()).isEqualTo("prod");
        assertThat(node2.labels()).containsEntry("team", "orders");
        assertThat(node2.database().member()).isEqualTo("node2");
        assertThat(node2.database().apiUrl()).isEqualTo(api);
        assertThat(node2.database().url()).isEqualTo("jdbc:postgresql://127.0.0.1:42621/orders");
        assertThat(node2.database().credentialsRef()).isEqualTo("file:" + credentials);
    }

    @Test
    void readsReplicaSetRolesAndVersionsFromTheSet() throws IOException {
        replicaSet = new MongoReplicaSetStandIn("rs0", 3, "7.0.11");
        List<String> hosts = replicaSet.hosts();

        List<Target> targets = discover("""
                clusters:
                  - id: rs-users
                    engine: mongodb-replica-set
                    members: [%s, %s, %s]
                """.formatted(hosts.get(0), hosts.get(1), hosts.get(2)));

        assertThat(targets).hasSize(3);
        assertThat(targets.get(0).id()).isEqualTo("rs-users." + hosts.get(0).replace(':', '-'));
        assertThat(targets).extracting(Target::role).containsExactly("primary", "secondary", "secondary");
        assertThat(targets).extracting(Target::installedVersion).containsOnly("7.0.11");
        assertThat(targets.get(2).database().member()).isEqualTo(hosts.get(2));
        assertThat(targets.get(2).kind()).isEqualTo(Target.KIND_MONGODB_REPLICA_SET);
    }

    @Test
    void aPatroniClusterThatDoesNotAnswerRejectsTheRunNamingIt() {
        assertThatThrownBy(() -> discover("""
                clusters:
                  - id: pg-gone
                    engine: postgres-patroni
                    patroni: [http://127.0.0.1:1]
                """)).isInstanceOf(RejectedRunException.class)
                .hasMessageContaining("clusters[0] (pg-gone): cluster pg-gone: no Patroni member answered GET /cluster")
                .hasMessageContaining("connection refused");
    }

    @Test
    void anUnknownEngineOrAMissingMemberListIsRejected() {
        assertThatThrownBy(() -> discover("""
                clusters:
                  - id: c1
                    engine: oracle-rac
                """)).hasMessageContaining("clusters[0]: unknown engine 'oracle-rac'");
        assertThatThrownBy(() -> discover("""
                clusters:
                  - id: c1
                    engine: postgres-patroni
                """)).hasMessageContaining("'patroni' must list at least one Patroni REST URL");
    }

    /** Answers GET /cluster and /patroni with bodies recorded from a real Patroni 3.0.2 member (leader node1). */
    private void startPatroni() throws IOException {
        patroni = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String self = "http://127.0.0.1:" + patroni.getAddress().getPort();
        String cluster = """
                {"members": [{"name": "node1", "role": "leader", "state": "running", "api_url": "%1$s/patroni", \
                "host": "127.0.0.1", "port": 34339, "timeline": 1}, {"name": "node2", "role": "replica", \
                "state": "running", "api_url": "%1$s/patroni", "host": "127.0.0.1", "port": 42621, "timeline": 1, \
                "lag": 0}, {"name": "node3", "role": "replica", "state": "running", "api_url": "%1$s/patroni", \
                "host": "127.0.0.1", "port": 39253, "timeline": 1, "lag": 0}]}""".formatted(self);
        String status = """
                {"state": "running", "postmaster_start_time": "2026-12-01 22:27:43.006765+00:00", "role": "master", \
                "server_version": 150018, "xlog": {"location": 84030992}, "timeline": 1, "replication": [], \
                "database_system_identifier": "7714465865952995048", "patroni": {"version": "3.0.2", \
                "scope": "pg-orders"}}""";
        patroni.createContext("/cluster", exchange -> answer(exchange, cluster));
        patroni.createContext("/patroni", exchange -> answer(exchange, status));
        patroni.start();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
