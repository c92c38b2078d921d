package dev.patchflow.dbcluster;

/**
 * One member of a cluster as the cluster reports it.
 *
 * @param name the member's name in the cluster (Patroni member name, replica set {@code host:port})
 * @param role {@link #LEADER} or {@link #REPLICA} (Patroni's sync standbys are replicas)
 * @param state the engine's word for its state ({@code running}, {@code stopped}, {@code SECONDARY}, ...)
 * @param running whether it serves (Patroni {@code running}/{@code streaming}; MongoDB PRIMARY/SECONDARY)
 * @param lagBytes replication lag in bytes (PostgreSQL) or seconds (MongoDB); {@code null} when unknown
 * @param apiUrl the member's management API (Patroni REST), if any
 * @param host where its database listens
 * @param port its database port
 */
public record Member(String name, String role, String state, boolean running, Long lagBytes, String apiUrl,
        String host, int port) {

    public static final String LEADER = "leader";
    public static final String REPLICA = "replica";

    public boolean leader() {
        return LEADER.equals(role);
    }
}
