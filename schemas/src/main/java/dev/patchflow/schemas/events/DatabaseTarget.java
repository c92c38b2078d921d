package dev.patchflow.schemas.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a database target is: a schema on a server ({@code mysql}) or one node of a database cluster
 * ({@code postgres-patroni}, {@code mongodb-replica-set}). The node's cluster and role are the target's
 * {@code clusterId} and {@code role}. Credentials never travel in an event: {@code credentialsRef} names
 * where the service that needs them reads them (a secret file or an environment variable).
 *
 * @param engine {@code mysql}, {@code postgres-patroni}, {@code mongodb-replica-set}
 * @param url how to reach it: a JDBC URL without credentials, a MongoDB URI without credentials
 * @param schema the schema (database) a schema patch applies to
 * @param credentialsRef a reference to the credentials, e.g. {@code file:/etc/patchflow/db/app.properties}
 * @param apiUrl the node's management API, e.g. Patroni's REST API {@code http://10.0.0.5:8008}
 * @param member the node's name in its cluster (Patroni member name, replica set host:port)
 * @param nodeRunner how commands reach the node ({@code local}, or e.g. {@code ssm}); {@code null}: {@code local}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DatabaseTarget(String engine, String url, String schema, String credentialsRef, String apiUrl,
        String member, String nodeRunner) {

    /** Without a node runner: the default one ({@code local}). */
    public DatabaseTarget(String engine, String url, String schema, String credentialsRef, String apiUrl,
            String member) {
        this(engine, url, schema, credentialsRef, apiUrl, member, null);
    }
}
