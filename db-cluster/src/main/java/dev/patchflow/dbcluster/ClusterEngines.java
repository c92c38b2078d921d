package dev.patchflow.dbcluster;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.patchflow.dbcluster.mongo.MongoReplicaSetEngine;
import dev.patchflow.dbcluster.patroni.PatroniEngine;
import dev.patchflow.dbcluster.patroni.PostgresSettings;

/** Every {@link ClusterEngine}, by the target kind it handles. */
public final class ClusterEngines {

    private final Map<String, ClusterEngine> byKind = new TreeMap<>();

    public ClusterEngines(Collection<? extends ClusterEngine> engines) {
        for (ClusterEngine engine : engines) {
            if (byKind.putIfAbsent(engine.kind(), engine) != null) {
                throw new IllegalStateException("two cluster engines for kind '" + engine.kind() + "'");
            }
        }
    }

    /** The engines this project has: Patroni and MongoDB replica sets, commands through {@code runners}. */
    public static ClusterEngines standard(NodeRunners runners, PostgresSettings postgres) {
        return new ClusterEngines(List.of(new PatroniEngine(runners, postgres),
                new MongoReplicaSetEngine(runners, postgres.poll(), postgres.httpTimeout())));
    }

    public Optional<ClusterEngine> forKind(String kind) {
        return Optional.ofNullable(kind == null ? null : byKind.get(kind));
    }

    public ClusterEngine require(String kind) {
        return forKind(kind).orElseThrow(() -> new ClusterException("no cluster engine for targets of kind '" + kind
                + "' (known: " + String.join(", ", byKind.keySet()) + ")"));
    }

    public boolean handles(String kind) {
        return kind != null && byKind.containsKey(kind);
    }

    /** For settings that have a default per service, e.g. how long a step may take. */
    public static Duration orDefault(Duration value, Duration fallback) {
        return value == null ? fallback : value;
    }
}
