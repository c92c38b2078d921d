package dev.patchflow.dbcluster;

import java.nio.file.Path;
import java.util.Map;

/**
 * An ephemeral clone of a cluster, running on its own.
 *
 * @param clusterId the cluster it was cloned from
 * @param source the member it was copied from
 * @param dataDir its data directory (deleted by {@link ClusterEngine#destroyClone})
 * @param details facts for the report (size, duration, source)
 */
public record CloneHandle(String clusterId, String kind, String source, String host, int port, Path dataDir,
        String database, String credentialsRef, Map<String, String> details) {

    public CloneHandle {
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
