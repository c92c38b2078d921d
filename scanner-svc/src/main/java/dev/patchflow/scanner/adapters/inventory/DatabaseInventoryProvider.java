package dev.patchflow.scanner.adapters.inventory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterEngines;
import dev.patchflow.dbcluster.ClusterException;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PostgresSettings;
import dev.patchflow.scanner.config.ScannerConfig;
import dev.patchflow.scanner.domain.InventoryProvider;
import dev.patchflow.scanner.domain.RejectedRunException;
import dev.patchflow.schemas.events.DatabaseTarget;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

/**
 * Database cluster nodes: {@code source} is a YAML file of cluster definitions, and every member of every cluster
 * becomes one target (kind = the engine, {@code clusterId}, {@code role} {@code primary} for the leader and
 * {@code secondary} for the others, {@code installedVersion} as the engine reports it):
 *
 * <pre>
 * clusters:
 *   - id: pg-orders                  # the clusterId
 *     engine: postgres-patroni
 *     patroni: [http://10.0.0.5:8008]  # members are discovered from GET /cluster
 *     database: orders                 # optional, for JDBC probes (default postgres)
 *     credentialsRef: file:/etc/patchflow/db/pg-orders.properties
 *     nodeRunner: local                # how commands reach the nodes (default local)
 *     environment: prod
 *     landingZone: lz-db
 *     labels: {team: orders}
 *   - id: rs-users
 *     engine: mongodb-replica-set
 *     members: [10.0.1.5:27017, 10.0.1.6:27017, 10.0.1.7:27017]   # static; roles from replSetGetStatus
 * </pre>
 *
 * A cluster that does not answer rejects the run naming it (for Patroni: discovery is the only member list). A
 * replica set's static members are targets even when the set cannot be asked; their roles then stay unknown.
 * Target ids are {@code <clusterId>.<member>} with characters outside {@code [A-Za-z0-9._-]} made {@code -}.
 */
@ApplicationScoped
public class DatabaseInventoryProvider implements InventoryProvider {

    public static final String NAME = "database";

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    record ClusterFile(List<ClusterEntry> clusters) {
    }

    record ClusterEntry(String id, String engine, List<String> patroni, List<String> members, String database,
            String credentialsRef, String nodeRunner, String environment, String landingZone,
            Map<String, String> labels) {
    }

    private final SourcePaths paths;
    private final ClusterEngines engines;

    @Inject
    DatabaseInventoryProvider(ScannerConfig config) {
        this(new SourcePaths(config.baseDir()), ClusterEngines.standard(
                new NodeRunners(List.of(new LocalProcessNodeRunner())),
                new PostgresSettings(Path.of("/usr/lib/postgresql/15/bin"), java.util.Optional.empty(),
                        Path.of(System.getProperty("java.io.tmpdir")), Duration.ofMillis(500),
                        Duration.ofSeconds(10))));
    }

    public DatabaseInventoryProvider(SourcePaths paths, ClusterEngines engines) {
        this.paths = paths;
        this.engines = engines;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String sourceDescription() {
        return "a YAML file of database cluster definitions";
    }

    @Override
    public boolean providesInstallFolders() {
        return false;
    }

    @Override
    public List<Target> discover(TargetSelector selector) {
        Path file = paths.resolve(selector.source());
        String what = "cluster file " + file;
        if (!Files.isRegularFile(file)) {
            throw new RejectedRunException(what + (Files.exists(file) ? " is not a file" : " does not exist"));
        }
        ClusterFile clusters;
        String content = null;
        try {
            content = Files.readString(file);
            clusters = content.isBlank() ? null : YAML.readValue(content, ClusterFile.class);
        } catch (JsonProcessingException e) {
            throw new RejectedRunException(YamlErrors.describe(what, "YAML", e, content), e);
        } catch (IOException e) {
            throw new RejectedRunException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (clusters == null || clusters.clusters() == null) {
            throw new RejectedRunException(what + " has no 'clusters' list");
        }
        List<Target> targets = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < clusters.clusters().size(); i++) {
            ClusterEntry entry = clusters.clusters().get(i);
            String where = what + ": clusters[" + i + "]";
            for (Target t : nodes(where, entry)) {
                if (!ids.add(t.id())) {
                    throw new RejectedRunException(where + ": target id '" + t.id() + "' is used twice");
                }
                targets.add(t);
            }
        }
        return targets;
    }

    private List<Target> nodes(String where, ClusterEntry entry) {
        if (entry == null || entry.id() == null || entry.id().isBlank()) {
            throw new RejectedRunException(where + " has no id");
        }
        ClusterEngine engine = engines.forKind(entry.engine()).orElseThrow(() -> new RejectedRunException(where
                + ": unknown engine '" + entry.engine() + "' (known: " + Target.KIND_POSTGRES_PATRONI + ", "
                + Target.KIND_MONGODB_REPLICA_SET + ")"));
        boolean patroni = Target.KIND_POSTGRES_PATRONI.equals(entry.engine());
        List<String> seeds = patroni ? entry.patroni() : entry.members();
        if (seeds == null || seeds.isEmpty()) {
            throw new RejectedRunException(where + " (" + entry.id() + "): " + (patroni
                    ? "'patroni' must list at least one Patroni REST URL"
                    : "'members' must list the replica set's host:port"));
        }
        ClusterRef ref = new ClusterRef(entry.id(), entry.engine(), seeds, entry.database(), entry.credentialsRef(),
                entry.nodeRunner());
        Topology topology;
        try {
            topology = engine.topology(ref);
        } catch (ClusterException e) {
            if (patroni) {
                throw new RejectedRunException(where + " (" + entry.id() + "): " + e.getMessage(), e);
            }
            topology = new Topology(entry.id(), seeds.stream().map(m -> new Member(m, "unknown", "unknown", false,
                    null, null, hostOf(m), portOf(m))).toList());
        }
        List<Target> nodes = new ArrayList<>();
        for (Member m : topology.members()) {
            String version;
            try {
                version = m.running() ? engine.nodeVersion(ref, m.name(), null) : null;
            } catch (RuntimeException e) {
                version = null; // the report shows it unknown; the run's checks read it again
            }
            String role = "unknown".equals(m.role()) ? null : m.leader() ? "primary" : "secondary";
            String url = patroni
                    ? "jdbc:postgresql://" + m.host() + ":" + m.port() + "/" + (entry.database() == null
                            ? "postgres"
                            : entry.database())
                    : "mongodb://" + m.name() + "/";
            String apiUrl = m.apiUrl() == null ? null : m.apiUrl().replaceFirst("/patroni$", "");
            nodes.add(new Target(entry.id() + "." + m.name().replaceAll("[^A-Za-z0-9._-]", "-"), m.name(),
                    entry.engine(), entry.environment(), entry.landingZone(), entry.labels(), m.host(), "linux", null,
                    m.running() ? "running" : m.state(), null, version, entry.id(), role, null, null,
                    new DatabaseTarget(entry.engine(), url, null, entry.credentialsRef(), apiUrl, m.name(),
                            entry.nodeRunner())));
        }
        return nodes;
    }

    private static String hostOf(String member) {
        int colon = member.lastIndexOf(':');
        return colon < 0 ? member : member.substring(0, colon);
    }

    private static int portOf(String member) {
        int colon = member.lastIndexOf(':');
        try {
            return colon < 0 ? 27017 : Integer.parseInt(member.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 27017;
        }
    }
}
