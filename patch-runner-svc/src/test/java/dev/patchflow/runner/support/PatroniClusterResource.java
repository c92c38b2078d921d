package dev.patchflow.runner.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.patchflow.dbcluster.testing.PatroniCluster;

/**
 * A real 3-node Patroni cluster for the runner's cluster tests, started once per Quarkus test application and
 * stopped with it (everything, even after a failure: see {@link PatroniCluster#close()}). Points the runner's
 * clones into the cluster's folder (reachable by the {@code postgres} user the clone runs as) and measures free
 * space under {@code /tmp}.
 */
public class PatroniClusterResource implements QuarkusTestResourceLifecycleManager {

    private static volatile PatroniCluster current;

    public static PatroniCluster current() {
        return current;
    }

    @Override
    public Map<String, String> start() {
        current = PatroniCluster.start(3);
        return Map.of("patchflow.db-cluster.clone-dir", current.baseDir().resolve("clones").toString(),
                "patchflow.db-cluster.postgres.run-as", "postgres",
                "patchflow.db-cluster.postgres.bin-dir", PatroniCluster.BIN.toString(),
                "patchflow.db-cluster.free-space-path", "/tmp",
                "patchflow.db-cluster.min-free-bytes", "1024",
                "patchflow.db-cluster.step-timeout", "2m",
                "patchflow.db-cluster.poll", "300ms");
    }

    @Override
    public void stop() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
