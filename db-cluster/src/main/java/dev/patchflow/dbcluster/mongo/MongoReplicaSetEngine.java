package dev.patchflow.dbcluster.mongo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.bson.Document;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import com.mongodb.MongoSocketException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import dev.patchflow.dbcluster.ClusterEngine;
import dev.patchflow.dbcluster.ClusterException;
import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.Credentials;
import dev.patchflow.dbcluster.Member;
import dev.patchflow.dbcluster.NodeRunner;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.NodeUpdate;
import dev.patchflow.dbcluster.Topology;
import dev.patchflow.dbcluster.Waits;
import dev.patchflow.schemas.events.Target;

/**
 * MongoDB replica sets through the MongoDB Java driver's real commands, each sent to one member over a direct
 * connection: {@code replSetGetStatus} for roles, states and lag, {@code buildInfo} for a member's version, {@code replSetStepDown} to hand the primary role
 * over ({@code hello} gives the roles where {@code replSetGetStatus} is not allowed). A member's update is stop,
 * update, start through its node runner (the engine never knows how mongod is
 * installed); it is back when the set reports it {@code SECONDARY} again. Lag is in seconds (optime dates), as
 * MongoDB measures it. No clone: this engine does not support the ephemeral clone test.
 */
public final class MongoReplicaSetEngine implements ClusterEngine {

    private static final String ADMIN = "admin";

    private final NodeRunners runners;
    private final Duration poll;
    private final Duration commandTimeout;

    public MongoReplicaSetEngine(NodeRunners runners, Duration poll, Duration commandTimeout) {
        this.runners = runners;
        this.poll = poll;
        this.commandTimeout = commandTimeout;
    }

    @Override
    public String kind() {
        return Target.KIND_MONGODB_REPLICA_SET;
    }

    @Override
    public Topology topology(ClusterRef cluster) {
        List<String> failures = new ArrayList<>();
        for (String seed : cluster.seeds()) {
            try {
                Document status = command(cluster, seed, new Document("replSetGetStatus", 1));
                return fromStatus(cluster.clusterId(), status);
            } catch (MongoCommandException e) {
                // Not allowed (a user without clusterMonitor) or not a replica set member: each member's hello.
                failures.add(hostOf(seed) + ": " + e.getErrorMessage());
                Topology fromHello = fromHello(cluster);
                if (fromHello != null) {
                    return fromHello;
                }
            } catch (MongoException | ClusterException e) {
                failures.add(hostOf(seed) + ": " + e.getMessage());
            }
        }
        throw new ClusterException("replica set " + cluster.clusterId() + ": no member answered replSetGetStatus ("
                + String.join("; ", failures) + ")");
    }

    static Topology fromStatus(String clusterId, Document status) {
        List<Document> members = status.getList("members", Document.class, List.of());
        Date primaryOptime = members.stream().filter(m -> "PRIMARY".equals(m.getString("stateStr")))
                .map(m -> m.getDate("optimeDate")).filter(d -> d != null).findFirst().orElse(null);
        List<Member> result = new ArrayList<>();
        for (Document m : members) {
            String state = m.getString("stateStr");
            boolean primary = "PRIMARY".equals(state);
            boolean healthy = number(m.get("health")) == 1;
            boolean running = healthy && (primary || "SECONDARY".equals(state));
            Date optime = m.getDate("optimeDate");
            Long lag = primary
                    ? Long.valueOf(0)
                    : primaryOptime != null && optime != null && running
                            ? Math.max(0, (primaryOptime.getTime() - optime.getTime()) / 1000)
                            : null;
            String name = m.getString("name");
            ServerAddress address = new ServerAddress(name);
            result.add(new Member(name, primary ? Member.LEADER : Member.REPLICA, state, running, lag, null,
                    address.getHost(), address.getPort()));
        }
        return new Topology(clusterId, result);
    }

    /**
     * Roles from every member's {@code hello} ({@code isWritablePrimary}, {@code secondary}); lag is unknown this
     * way (a member that does not answer is not running). {@code null} when no member answers.
     */
    private Topology fromHello(ClusterRef cluster) {
        List<String> hosts = new ArrayList<>();
        for (String seed : cluster.seeds()) {
            try {
                hosts = command(cluster, seed, new Document("hello", 1)).getList("hosts", String.class, List.of());
                if (!hosts.isEmpty()) {
                    break;
                }
            } catch (MongoException | ClusterException e) {
                // next seed
            }
        }
        if (hosts.isEmpty()) {
            return null;
        }
        List<Member> members = new ArrayList<>();
        for (String host : hosts) {
            ServerAddress address = new ServerAddress(host);
            try {
                Document hello = command(cluster, host, new Document("hello", 1));
                boolean primary = Boolean.TRUE.equals(hello.getBoolean("isWritablePrimary"));
                boolean secondary = Boolean.TRUE.equals(hello.getBoolean("secondary"));
                members.add(new Member(host, primary ? Member.LEADER : Member.REPLICA,
                        primary ? "PRIMARY" : secondary ? "SECONDARY" : "OTHER", primary || secondary,
                        primary ? Long.valueOf(0) : null, null, address.getHost(), address.getPort()));
            } catch (MongoException | ClusterException e) {
                members.add(new Member(host, Member.REPLICA, "(not reachable/healthy)", false, null, null,
                        address.getHost(), address.getPort()));
            }
        }
        return new Topology(cluster.clusterId(), members);
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public List<String> health(ClusterRef cluster, long maxLagSeconds) {
        Topology t;
        try {
            t = topology(cluster);
        } catch (ClusterException e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        if (t.leaders().size() != 1) {
            problems.add("replica set " + cluster.clusterId() + " has " + t.leaders().size() + " primaries");
        }
        for (Member m : t.members()) {
            if (!m.running()) {
                problems.add("member " + m.name() + " is " + m.state());
            } else if (!m.leader() && (m.lagBytes() == null || m.lagBytes() > maxLagSeconds)) {
                problems.add("member " + m.name() + " lags " + (m.lagBytes() == null
                        ? "an unknown time"
                        : m.lagBytes()
                                + "s")
                        + " behind the primary, above the threshold of " + maxLagSeconds + "s");
            }
        }
        return problems;
    }

    @Override
    public String nodeVersion(ClusterRef cluster, String member, String probe) {
        return command(cluster, member, new Document("buildInfo", 1)).getString("version");
    }

    @Override
    public NodeRunner.Result update(ClusterRef cluster, String member, NodeUpdate update) {
        ServerAddress address = new ServerAddress(member);
        NodeRunner runner = runners.require(cluster.nodeRunner());
        Map<String, String> env = new HashMap<>(update.environment());
        env.put("PATCHFLOW_DB_MEMBER", member);
        env.put("PATCHFLOW_DB_HOST", address.getHost());
        env.put("PATCHFLOW_DB_PORT", Integer.toString(address.getPort()));
        NodeRunner.NodeAddress node = new NodeRunner.NodeAddress(cluster.clusterId(), member, address.getHost(),
                Map.of());
        NodeRunner.Result last = null;
        for (List<String> step : List.of(update.stopCommand(), update.command(), update.startCommand())) {
            if (step.isEmpty()) {
                continue;
            }
            last = runner.run(node, step, env, update.timeout(), update.output());
            if (!last.succeeded()) {
                return last;
            }
        }
        if (last == null) {
            throw new ClusterException("no update command for " + member);
        }
        return last;
    }

    @Override
    public void bringBack(ClusterRef cluster, String member, long maxLagSeconds, Duration timeout) {
        // mongod was started by the start command; the set decides when it is a secondary again.
        Waits.until(member + " SECONDARY again", timeout, poll, () -> {
            Member m = topology(cluster).require(member);
            if (!m.running()) {
                return member + " is " + m.state();
            }
            if (!m.leader() && (m.lagBytes() == null || m.lagBytes() > maxLagSeconds)) {
                return member + " lags " + m.lagBytes() + "s";
            }
            return null;
        });
    }

    @Override
    public String handOver(ClusterRef cluster, String leader, List<String> candidates, Duration timeout) {
        Topology t = topology(cluster);
        Member current = t.require(leader);
        if (!current.leader()) {
            return t.leader().map(Member::name)
                    .orElseThrow(() -> new ClusterException("replica set " + cluster.clusterId() + " has no primary"));
        }
        if (t.members().stream().noneMatch(m -> !m.leader() && m.running())) {
            throw new ClusterException("no secondary of replica set " + cluster.clusterId() + " can take over from "
                    + leader);
        }
        long seconds = Math.max(10, timeout.toSeconds());
        try {
            command(cluster, leader, new Document("replSetStepDown", seconds).append("secondaryCatchUpPeriodSecs", 10));
        } catch (MongoSocketException e) {
            // A real primary closes every connection when it steps down: the answer may never arrive.
        } catch (MongoException e) {
            throw new ClusterException("replSetStepDown on " + leader + " failed: " + e.getMessage(), e);
        }
        String[] elected = new String[1];
        Waits.until("a new primary of replica set " + cluster.clusterId(), timeout, poll, () -> {
            Optional<Member> primary = topology(cluster).leader();
            if (primary.isEmpty() || primary.get().name().equals(leader)) {
                return "no new primary yet";
            }
            elected[0] = primary.get().name();
            return null;
        });
        return elected[0];
    }

    private Document command(ClusterRef cluster, String seed, Document command) {
        try (MongoClient client = MongoClients.create(settings(cluster, seed))) {
            return client.getDatabase(ADMIN).runCommand(command);
        }
    }

    private MongoClientSettings settings(ClusterRef cluster, String seed) {
        String host = hostOf(seed);
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://" + host + "/?directConnection=true"))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(commandTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout((int) commandTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) commandTimeout.toMillis() * 3, TimeUnit.MILLISECONDS));
        Credentials credentials = Credentials.resolve(cluster.credentialsRef());
        if (credentials.user() != null) {
            builder.credential(MongoCredential.createCredential(credentials.user(), ADMIN,
                    credentials.password() == null ? new char[0] : credentials.password().toCharArray()));
        }
        return builder.build();
    }

    /** {@code mongodb://h:1/...} or {@code h:1} → {@code h:1}. */
    static String hostOf(String seed) {
        String s = seed.startsWith("mongodb://") ? seed.substring("mongodb://".length()) : seed;
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(0, slash) : s;
        int at = s.lastIndexOf('@');
        return at >= 0 ? s.substring(at + 1) : s;
    }
}
