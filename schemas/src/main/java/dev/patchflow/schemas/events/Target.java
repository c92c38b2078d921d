package dev.patchflow.schemas.events;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing to patch. Its {@code id} is its identity in every event, the ledger and the report.
 *
 * @param kind the provider that found it: {@code static} or {@code directory}
 * @param state as reported by the inventory, e.g. {@code running}, {@code stopped}, {@code installed}
 * @param installPath the install folder (directory targets)
 * @param installedVersion the version found at scan time, if known
 * @param clusterId the cluster this target is a node of, if any
 * @param role the node's role in its cluster ({@code primary}, {@code secondary}), if any
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Target(String id, String name, String kind, String environment, String landingZone,
        Map<String, String> labels, String address, String platform, String arch, String state, String installPath,
        String installedVersion, String clusterId, String role) {

    public static final String KIND_STATIC = "static";
    public static final String KIND_DIRECTORY = "directory";

    public Target {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
