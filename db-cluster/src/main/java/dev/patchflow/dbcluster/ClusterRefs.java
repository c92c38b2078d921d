package dev.patchflow.dbcluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.Target;

/** Builds a {@link ClusterRef} from the targets of a cluster's nodes (what the scanner emitted for them). */
public final class ClusterRefs {

    private ClusterRefs() {
    }

    /**
     * The cluster of {@code node}, asking its own endpoint first, then its siblings' ({@code others} may hold
     * targets of other clusters: they are ignored).
     */
    public static ClusterRef of(Target node, Collection<Target> others) {
        DatabaseTarget db = node.database();
        if (db == null) {
            throw new ClusterException("target " + node.id() + " has no database facts (target.database)");
        }
        if (node.clusterId() == null || node.clusterId().isBlank()) {
            throw new ClusterException("target " + node.id() + " is not a node of a cluster (no clusterId)");
        }
        Set<String> seeds = new LinkedHashSet<>();
        seed(node, seeds);
        List<Target> siblings = new ArrayList<>();
        for (Target t : others) {
            if (node.clusterId().equals(t.clusterId()) && !t.id().equals(node.id())) {
                siblings.add(t);
            }
        }
        siblings.forEach(t -> seed(t, seeds));
        if (seeds.isEmpty()) {
            throw new ClusterException("target " + node.id() + " has neither database.apiUrl nor database.member");
        }
        return new ClusterRef(node.clusterId(), node.kind(), List.copyOf(seeds), databaseName(db.url()),
                db.credentialsRef(), db.nodeRunner());
    }

    public static ClusterRef of(Target node) {
        return of(node, List.of());
    }

    /** The node's name in its cluster: {@code database.member}, else the target's name. */
    public static String member(Target node) {
        DatabaseTarget db = node.database();
        return db != null && db.member() != null && !db.member().isBlank() ? db.member() : node.name();
    }

    private static void seed(Target t, Set<String> seeds) {
        DatabaseTarget db = t.database();
        if (db == null) {
            return;
        }
        if (Target.KIND_MONGODB_REPLICA_SET.equals(t.kind())) {
            if (db.member() != null) {
                seeds.add(db.member());
            }
        } else if (db.apiUrl() != null && !db.apiUrl().isBlank()) {
            seeds.add(db.apiUrl());
        }
    }

    /** {@code jdbc:postgresql://h:5432/orders?x=y} → {@code orders}; {@code null} when there is none. */
    static String databaseName(String url) {
        if (url == null) {
            return null;
        }
        int scheme = url.indexOf("://");
        if (scheme < 0) {
            return null;
        }
        int slash = url.indexOf('/', scheme + 3);
        if (slash < 0) {
            return null;
        }
        String rest = url.substring(slash + 1);
        int q = rest.indexOf('?');
        rest = q >= 0 ? rest.substring(0, q) : rest;
        return rest.isBlank() ? null : rest;
    }
}
