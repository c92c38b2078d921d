package dev.patchflow.dbcluster.checks;

import java.util.List;
import java.util.Map;

import dev.patchflow.dbcluster.CloneHandle;
import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.ClusterRefs;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * The database checks of a request, written once and run by the validator (after each node's patch), by the
 * runner's post-flight (on every node once the cluster is done) and on the ephemeral clone:
 * <ul>
 * <li>{@code db-version}: the node runs {@code patch.version}, by its engine's probe ({@code patch.parameters
 * .versionQuery} for PostgreSQL, default {@code SHOW server_version}; {@code buildInfo} for MongoDB);</li>
 * <li>{@code db-cluster}: the cluster as a whole: one leader, every member running, every replica streaming with
 * lag at most {@code patch.parameters.maxLag} (bytes for PostgreSQL, seconds for MongoDB).</li>
 * </ul>
 * A check never throws for an unhealthy target: every way it can fail is a failed {@link CheckResult} saying why.
 */
public final class DbChecks {

    public static final String VERSION_QUERY = "versionQuery";
    public static final String MAX_LAG = "maxLag";

    private final ClusterEngines engines;
    private final long defaultMaxLag;

    public DbChecks(ClusterEngines engines, long defaultMaxLag) {
        this.engines = engines;
        this.defaultMaxLag = defaultMaxLag;
    }

    public static boolean handles(String type) {
        return CheckSpec.DB_VERSION.equals(type) || CheckSpec.DB_CLUSTER.equals(type);
    }

    /** Runs a {@code db-*} check against one node of a cluster. */
    public CheckResult onNode(CheckSpec spec, Target target, RunContext run) {
        try {
            ClusterEngine engine = engines.require(target.kind());
            ClusterRef cluster = ClusterRefs.of(target);
            String member = ClusterRefs.member(target);
            return switch (spec.type()) {
                case CheckSpec.DB_VERSION -> {
                    String found = engine.nodeVersion(cluster, member, versionQuery(run));
                    yield version(spec, found, run.patch().version(), member + " runs ");
                }
                case CheckSpec.DB_CLUSTER -> cluster(spec, engine.health(cluster, maxLag(run)),
                        "cluster " + cluster.clusterId());
                default -> unknown(spec);
            };
        } catch (RuntimeException e) {
            return new CheckResult(spec.name(), spec.type(), false, String.valueOf(e.getMessage()));
        }
    }

    /** Runs a {@code db-*} check against an ephemeral clone (which is a one-member cluster of its own). */
    public CheckResult onClone(CheckSpec spec, CloneHandle clone, RunContext run) {
        try {
            ClusterEngine engine = engines.require(clone.kind());
            return switch (spec.type()) {
                case CheckSpec.DB_VERSION -> version(spec, engine.cloneVersion(clone, versionQuery(run)),
                        run.patch().version(), "the clone runs ");
                case CheckSpec.DB_CLUSTER -> cluster(spec, engine.cloneHealth(clone), "the clone");
                default -> unknown(spec);
            };
        } catch (RuntimeException e) {
            return new CheckResult(spec.name(), spec.type(), false, String.valueOf(e.getMessage()));
        }
    }

    public long maxLag(RunContext run) {
        return longParameter(run.patch().parameters(), MAX_LAG, defaultMaxLag);
    }

    public static String versionQuery(RunContext run) {
        return run.patch().parameters().get(VERSION_QUERY);
    }

    private static CheckResult version(CheckSpec spec, String found, String wanted, String who) {
        boolean passed = wanted.equals(found == null ? null : found.trim());
        return new CheckResult(spec.name(), spec.type(), passed,
                who + found + (passed ? "" : ", expected " + wanted));
    }

    private static CheckResult cluster(CheckSpec spec, List<String> problems, String what) {
        return problems.isEmpty()
                ? new CheckResult(spec.name(), spec.type(), true, what + " is healthy")
                : new CheckResult(spec.name(), spec.type(), false, String.join("; ", problems));
    }

    private static CheckResult unknown(CheckSpec spec) {
        return new CheckResult(spec.name(), spec.type(), false, "not a database check: " + spec.type());
    }

    public static long longParameter(Map<String, String> parameters, String name, long fallback) {
        String value = parameters.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("patch.parameters." + name + " '" + value + "' is not a number");
        }
    }
}
