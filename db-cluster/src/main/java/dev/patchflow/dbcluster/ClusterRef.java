package dev.patchflow.dbcluster;

import java.util.List;

/**
 * How to reach a cluster: its id, kind, the endpoints to ask about it (Patroni REST URLs, or replica set
 * members {@code host:port}), the database to connect to, where its credentials are and which node runner runs
 * commands on its members. Built from the targets of its nodes or from a cluster definition; never holds a
 * secret itself.
 *
 * @param seeds endpoints, tried in order until one answers
 * @param database the database to connect to for probes (PostgreSQL: default {@code postgres})
 * @param credentialsRef where the credentials are ({@link Credentials}), or {@code null}
 * @param nodeRunner the node runner's name ({@code local}, later {@code ssm})
 */
public record ClusterRef(String clusterId, String kind, List<String> seeds, String database, String credentialsRef,
        String nodeRunner) {

    public ClusterRef {
        seeds = List.copyOf(seeds);
        nodeRunner = nodeRunner == null || nodeRunner.isBlank() ? LocalNames.LOCAL : nodeRunner;
    }

    /** Names that several classes share. */
    public static final class LocalNames {

        public static final String LOCAL = "local";

        private LocalNames() {
        }
    }
}
