package dev.patchflow.schemas.events;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing to patch. Its {@code id} is its identity in every event, the ledger and the report.
 *
 * @param kind what it is, which decides how it is backed up and patched: one of the {@code KIND_*} constants
 * @param state as reported by the inventory, e.g. {@code running}, {@code stopped}, {@code installed}
 * @param installPath the install folder (directory targets)
 * @param installedVersion the version found at scan time, if known
 * @param clusterId the cluster this target is a node of, if any
 * @param role the node's role in its cluster ({@code primary}, {@code secondary}), if any
 * @param aws EC2 facts, for targets of kind {@code aws-ec2}
 * @param kubernetes workload facts, for targets of kind {@code kubernetes}
 * @param database database facts, for targets of kind {@code mysql} and database cluster nodes
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Target(String id, String name, String kind, String environment, String landingZone,
        Map<String, String> labels, String address, String platform, String arch, String state, String installPath,
        String installedVersion, String clusterId, String role, AwsTarget aws, KubernetesTarget kubernetes,
        DatabaseTarget database) {

    public static final String KIND_STATIC = "static";
    public static final String KIND_DIRECTORY = "directory";
    public static final String KIND_AWS_EC2 = "aws-ec2";
    public static final String KIND_KUBERNETES = "kubernetes";
    public static final String KIND_MYSQL = "mysql";
    public static final String KIND_POSTGRES_PATRONI = "postgres-patroni";
    public static final String KIND_MONGODB_REPLICA_SET = "mongodb-replica-set";

    public Target {
        // Sorted: a report or an event made from the same facts is the same, byte for byte.
        labels = labels == null
                ? Collections.unmodifiableSortedMap(new TreeMap<>())
                : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    /** A target without kind-specific facts (static and directory inventories, tests). */
    public Target(String id, String name, String kind, String environment, String landingZone,
            Map<String, String> labels, String address, String platform, String arch, String state,
            String installPath, String installedVersion, String clusterId, String role) {
        this(id, name, kind, environment, landingZone, labels, address, platform, arch, state, installPath,
                installedVersion, clusterId, role, null, null, null);
    }
}
