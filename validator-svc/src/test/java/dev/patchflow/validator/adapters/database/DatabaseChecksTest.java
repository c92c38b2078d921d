package dev.patchflow.validator.adapters.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.dbcluster.testing.MongoReplicaSetStandIn;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The validator's database checks against a replica set (the wire-level stand-in: no mongod can be installed
 * here; the PostgreSQL side of the same library code runs against a real Patroni cluster in the runner's
 * ClusterRolloutIT post-flight).
 */
class DatabaseChecksTest {

    MongoReplicaSetStandIn set;
    final DatabaseChecks database = new DatabaseChecks(1_048_576, Duration.ofSeconds(3));

    @BeforeEach
    void start() {
        set = new MongoReplicaSetStandIn("rs0", 3, "7.0.12");
    }

    @AfterEach
    void stop() {
        set.close();
    }

    private Target node(int i) {
        String member = set.hosts().get(i);
        return new Target("rs0." + i, member, Target.KIND_MONGODB_REPLICA_SET, "prod", "lz", Map.of(), "127.0.0.1",
                "linux", "x86_64", "running", null, null, "rs0", i == 0 ? "primary" : "secondary", null, null,
                new DatabaseTarget(Target.KIND_MONGODB_REPLICA_SET, null, null, null, null, member, null));
    }

    private static RunContext run(String version, Map<String, String> parameters) {
        return new RunContext("r1", Instant.now(), "alice", new PatchSpec("mongodb", version, "db-cluster",
                List.of("install"), null, parameters), null, null);
    }

    private static final CheckSpec VERSION = new CheckSpec("version", CheckSpec.DB_VERSION, null, null, null, null,
            null);
    private static final CheckSpec CLUSTER = new CheckSpec("cluster", CheckSpec.DB_CLUSTER, null, null, null, null,
            null);

    @Test
    void dbVersionPassesWhenTheNodeRunsThePatchVersion() {
        CheckResult ok = new DbVersionCheck(database).run(VERSION, node(1), run("7.0.12", Map.of()));
        CheckResult stale = new DbVersionCheck(database).run(VERSION, node(1), run("7.0.14", Map.of()));

        assertThat(ok.passed()).isTrue();
        assertThat(ok.detail()).isEqualTo(set.hosts().get(1) + " runs 7.0.12");
        assertThat(stale.passed()).isFalse();
        assertThat(stale.detail()).isEqualTo(set.hosts().get(1) + " runs 7.0.12, expected 7.0.14");
    }

    @Test
    void dbClusterFailsWhenAReplicaLagsBeyondTheRequestsThreshold() {
        set.lag(set.hosts().get(2), 30);

        CheckResult relaxed = new DbClusterCheck(database).run(CLUSTER, node(0), run("7.0.12", Map.of()));
        CheckResult strict = new DbClusterCheck(database).run(CLUSTER, node(0), run("7.0.12", Map.of("maxLag", "10")));

        assertThat(relaxed.passed()).as(relaxed.detail()).isTrue();
        assertThat(strict.passed()).isFalse();
        assertThat(strict.detail()).isEqualTo("member " + set.hosts().get(2)
                + " lags 30s behind the primary, above the threshold of 10s");
    }

    @Test
    void anUnreachableClusterIsAFailedCheckSayingWhy() {
        set.close();
        CheckResult result = new DbClusterCheck(database).run(CLUSTER, node(0), run("7.0.12", Map.of()));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("replica set rs0: no member answered replSetGetStatus");
    }
}
