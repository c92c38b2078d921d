package dev.patchflow.schemas.events;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One post-patch health check.
 *
 * @param type {@code command} (exit code 0 passes), {@code http} (status equals {@code expectStatus},
 *        default 200), {@code version} (the install's version file equals the patch version), {@code db-version}
 *        (a database node runs the patch version, by its engine's probe) or {@code db-cluster} (the node's cluster
 *        has one leader and every replica streams)
 * @param command argv of the command check; the target's attributes are in its environment
 * @param url URL of the http check; {@code ${address}} and {@code ${id}} are replaced by the target's
 * @param versionFile version file, relative to the install folder (default {@code VERSION})
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record CheckSpec(String name, String type, List<String> command, String url, Integer expectStatus,
        String versionFile, Integer timeoutSeconds) {

    public static final String COMMAND = "command";
    public static final String HTTP = "http";
    public static final String VERSION = "version";
    public static final String DB_VERSION = "db-version";
    public static final String DB_CLUSTER = "db-cluster";

    public CheckSpec {
        command = command == null ? List.of() : List.copyOf(command);
        name = name == null || name.isBlank() ? type : name;
    }
}
