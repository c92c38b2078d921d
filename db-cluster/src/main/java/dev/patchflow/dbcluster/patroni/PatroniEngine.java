package dev.patchflow.dbcluster.patroni;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.dbcluster.CloneHandle;
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
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.schemas.events.Target;

/**
 * PostgreSQL clusters managed by Patroni, through Patroni's REST API (JDK HTTP client + Jackson): topology and
 * lag from {@code GET /cluster}, streaming from the leader's {@code GET /patroni} ({@code replication}),
 * restarts with {@code POST /restart}, switchovers with {@code POST /switchover}. Versions and writability are
 * read over JDBC. The clone is a {@code pg_basebackup} of the leader started on a free loopback port.
 * <p>
 * Patroni 3.0.2 reports a streaming replica's state as {@code running} (newer versions say {@code streaming}),
 * so "streaming" is taken from the leader's replication list, which is what PostgreSQL itself says
 * ({@code pg_stat_replication}).
 */
public final class PatroniEngine implements ClusterEngine {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RUNNING = Set.of("running", "streaming");
    private static final String DEFAULT_PROBE = "SHOW server_version";

    private final NodeRunners runners;
    private final PostgresSettings settings;
    private final HttpClient http;
    private final PostgresProbe probe = new PostgresProbe();

    public PatroniEngine(NodeRunners runners, PostgresSettings settings) {
        this.runners = runners;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.httpTimeout()).build();
    }

    @Override
    public String kind() {
        return Target.KIND_POSTGRES_PATRONI;
    }

    @Override
    public Topology topology(ClusterRef cluster) {
        List<String> failures = new ArrayList<>();
        for (String seed : cluster.seeds()) {
            try {
                return parseCluster(cluster.clusterId(), get(cluster, seed, "/cluster"));
            } catch (ClusterException e) {
                failures.add(e.getMessage());
            }
        }
        throw new ClusterException("cluster " + cluster.clusterId() + ": no Patroni member answered GET /cluster ("
                + String.join("; ", failures) + ")");
    }

    static Topology parseCluster(String clusterId, JsonNode body) {
        List<Member> members = new ArrayList<>();
        for (JsonNode m : body.path("members")) {
            String role = m.path("role").asText();
            boolean leader = "leader".equals(role) || "master".equals(role) || "primary".equals(role)
                    || "standby_leader".equals(role);
            String state = m.path("state").asText();
            JsonNode lag = m.get("lag");
            Long lagBytes = lag != null && lag.canConvertToLong() && lag.isNumber() ? lag.asLong() : null;
            members.add(new Member(m.path("name").asText(), leader ? Member.LEADER : Member.REPLICA, state,
                    RUNNING.contains(state), leader ? Long.valueOf(0) : lagBytes, m.path("api_url").asText(null),
                    m.path("host").asText(null), m.path("port").asInt(5432)));
        }
        return new Topology(clusterId, members);
    }

    @Override
    public List<String> health(ClusterRef cluster, long maxLagBytes) {
        Topology topology;
        try {
            topology = topology(cluster);
        } catch (ClusterException e) {
            return List.of(e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        List<Member> leaders = topology.leaders();
        if (leaders.size() != 1) {
            problems.add("cluster " + cluster.clusterId() + " has " + leaders.size() + " leaders"
                    + (leaders.isEmpty()
                            ? ""
                            : " (" + String.join(", ", leaders.stream().map(Member::name).toList())
                                    + ")"));
        }
        Set<String> streaming = leaders.size() == 1 ? streamingReplicas(cluster, leaders.get(0)) : Set.of();
        for (Member m : topology.members()) {
            if (!m.running()) {
                problems.add("member " + m.name() + " is " + m.state());
            } else if (!m.leader()) {
                problems.addAll(replicaProblems(m, streaming, maxLagBytes));
            }
        }
        return problems;
    }

    private static List<String> replicaProblems(Member m, Set<String> streaming, long maxLagBytes) {
        List<String> problems = new ArrayList<>();
        if (!streaming.contains(m.name())) {
            problems.add("replica " + m.name() + " is not streaming from the leader");
        }
        if (m.lagBytes() == null) {
            problems.add("replica " + m.name() + " has an unknown replication lag");
        } else if (m.lagBytes() > maxLagBytes) {
            problems.add("replica " + m.name() + " lags " + m.lagBytes() + " bytes behind the leader, above the "
                    + "threshold of " + maxLagBytes);
        }
        return problems;
    }

    /** The members the leader streams to now ({@code replication[].state == streaming}). */
    private Set<String> streamingReplicas(ClusterRef cluster, Member leader) {
        JsonNode status = get(cluster, leader.apiUrl(), "/patroni");
        Set<String> names = new HashSet<>();
        for (JsonNode r : status.path("replication")) {
            if ("streaming".equals(r.path("state").asText())) {
                names.add(r.path("application_name").asText());
            }
        }
        return names;
    }

    /**
     * Without a probe: the server version Patroni reports ({@code GET /patroni}, {@code server_version} 150018 →
     * {@code 15.18}), which needs no database credentials; with one: the probe's answer over JDBC.
     */
    @Override
    public String nodeVersion(ClusterRef cluster, String member, String versionProbe) {
        Member m = topology(cluster).require(member);
        if (versionProbe == null || versionProbe.isBlank()) {
            JsonNode status = get(cluster, m.apiUrl(), "/patroni");
            if (!status.path("server_version").canConvertToInt()) {
                throw new ClusterException(member + " reports no server_version (" + m.apiUrl() + ")");
            }
            return serverVersion(status.path("server_version").asInt());
        }
        return probe.queryOne(m.host(), m.port(), database(cluster), Credentials.resolve(cluster.credentialsRef()),
                versionProbe);
    }

    /** PostgreSQL's numeric version: 150018 → 15.18 (10 and later), 90624 → 9.6.24. */
    static String serverVersion(int v) {
        return v >= 100000 ? (v / 10000) + "." + (v % 10000) : (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100);
    }

    private static String probeOf(String versionProbe) {
        return versionProbe == null || versionProbe.isBlank() ? DEFAULT_PROBE : versionProbe;
    }

    @Override
    public NodeRunner.Result update(ClusterRef cluster, String member, NodeUpdate update) {
        Member m = topology(cluster).require(member);
        NodeRunner runner = runners.require(cluster.nodeRunner());
        Map<String, String> env = new HashMap<>(update.environment());
        env.put("PATCHFLOW_DB_MEMBER", m.name());
        env.put("PATCHFLOW_DB_HOST", String.valueOf(m.host()));
        env.put("PATCHFLOW_DB_PORT", Integer.toString(m.port()));
        return runner.run(new NodeRunner.NodeAddress(cluster.clusterId(), m.name(), m.host(), Map.of()),
                update.command(), env, update.timeout(), update.output());
    }

    @Override
    public void bringBack(ClusterRef cluster, String member, long maxLagBytes, Duration timeout) {
        Member m = topology(cluster).require(member);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // Blocks until PostgreSQL is up again (or Patroni gives up); its own timeout bounds the call.
            HttpResponse<String> response = post(cluster, m.apiUrl(), "/restart", "{}", timeout);
            if (response.statusCode() == 200) {
                break;
            }
            // 503 "... in progress": Patroni is still busy with this member (a demotion, a restart); ask again.
            boolean busy = response.statusCode() == 503 && response.body().contains("in progress");
            if (!busy || System.nanoTime() - deadline > 0) {
                throw new ClusterException("Patroni refused to restart " + member + " (" + m.apiUrl()
                        + "/restart): HTTP " + response.statusCode() + " " + response.body().strip());
            }
            Waits.sleep(settings.poll());
        }
        Waits.until(member + " running and streaming again", timeout, settings.poll(),
                () -> notBack(cluster, member, maxLagBytes));
    }

    /** Why {@code member} is not a healthy member yet ({@code null}: it is). */
    private String notBack(ClusterRef cluster, String member, long maxLagBytes) {
        Topology t = topology(cluster);
        Member m = t.require(member);
        if (!m.running()) {
            return member + " is " + m.state();
        }
        if (m.leader()) {
            return null;
        }
        Optional<Member> leader = t.leader();
        if (leader.isEmpty()) {
            return "the cluster has no single leader";
        }
        List<String> problems = replicaProblems(m, streamingReplicas(cluster, leader.get()), maxLagBytes);
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    @Override
    public String handOver(ClusterRef cluster, String leader, List<String> candidates, Duration timeout) {
        Topology t = topology(cluster);
        Member current = t.require(leader);
        if (!current.leader()) {
            return t.leader().map(Member::name).orElseThrow(
                    () -> new ClusterException("cluster " + cluster.clusterId() + " has no single leader"));
        }
        Set<String> streaming = streamingReplicas(cluster, current);
        List<Member> eligible = t.members().stream()
                .filter(m -> !m.leader() && m.running() && streaming.contains(m.name())).toList();
        if (eligible.isEmpty()) {
            throw new ClusterException("no streaming replica of cluster " + cluster.clusterId()
                    + " can take over from " + leader);
        }
        Member candidate = candidates.stream().map(c -> eligible.stream().filter(m -> m.name().equals(c)).findFirst())
                .flatMap(Optional::stream).findFirst()
                .orElseGet(() -> eligible.stream()
                        .min(Comparator.comparing(m -> m.lagBytes() == null ? Long.MAX_VALUE : m.lagBytes()))
                        .orElseThrow());
        String body = "{\"leader\":" + JSON.valueToTree(leader) + ",\"candidate\":"
                + JSON.valueToTree(candidate.name()) + "}";
        HttpResponse<String> response = post(cluster, current.apiUrl(), "/switchover", body, timeout);
        if (response.statusCode() != 200) {
            throw new ClusterException("Patroni refused the switchover from " + leader + " to " + candidate.name()
                    + " (" + current.apiUrl() + "/switchover): HTTP " + response.statusCode() + " "
                    + response.body().strip());
        }
        Waits.until("leader " + candidate.name() + " of cluster " + cluster.clusterId(), timeout, settings.poll(),
                () -> {
                    Topology now = topology(cluster);
                    Optional<Member> l = now.leader();
                    if (l.isEmpty() || !l.get().name().equals(candidate.name())) {
                        return "leaders: " + String.join(", ", now.leaders().stream().map(Member::name).toList());
                    }
                    if (!l.get().running()) {
                        return candidate.name() + " is " + l.get().state();
                    }
                    // The former leader is demoted and running as a replica before anyone touches it.
                    Member former = now.require(leader);
                    return former.running() && !former.leader() ? null : leader + " is " + former.state();
                });
        return candidate.name();
    }

    @Override
    public boolean supportsClone() {
        return true;
    }

    @Override
    public CloneHandle cloneCluster(ClusterRef cluster, Duration timeout) {
        Member leader = topology(cluster).leader().orElseThrow(
                () -> new ClusterException("cluster " + cluster.clusterId() + " has no single leader to clone"));
        Credentials credentials = Credentials.resolve(cluster.credentialsRef());
        PostgresServer server = new PostgresServer(settings);
        long started = System.nanoTime();
        Path home = server.newCloneHome(cluster.clusterId());
        Path data = home.resolve("data");
        Path log = home.resolve("commands.log");
        Map<String, String> env = new TreeMap<>();
        if (credentials.replicationPassword() != null) {
            env.put("PGPASSWORD", credentials.replicationPassword());
        }
        List<String> basebackup = List.of(settings.binDir().resolve("pg_basebackup").toString(), "-h", leader.host(),
                "-p", Integer.toString(leader.port()), "-U", credentials.replicationUser() == null
                        ? credentials.userOr("postgres")
                        : credentials.replicationUser(),
                "-D", data.toString(), "-X", "stream", "-c", "fast", "--no-password");
        try {
            server.run(basebackup, env, log, timeout, "pg_basebackup of " + leader.name());
            int port = server.freePort();
            server.prepareClone(data, port);
            server.run(server.pgCtl(data, "start"), Map.of(), log, timeout, "starting the clone");
        } catch (RuntimeException e) {
            server.destroy(data, home);
            throw e;
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("source", leader.name());
        details.put("dataDir", data.toString());
        details.put("sizeBytes", Long.toString(sizeOf(data)));
        details.put("cloneMs", Long.toString(Duration.ofNanos(System.nanoTime() - started).toMillis()));
        return new CloneHandle(cluster.clusterId(), kind(), leader.name(), "127.0.0.1", server.port(data), data,
                database(cluster), cluster.credentialsRef(), details);
    }

    @Override
    public NodeRunner.Result patchClone(CloneHandle clone, NodeUpdate update, Duration timeout) {
        Map<String, String> env = new HashMap<>(update.environment());
        env.put("PATCHFLOW_DB_MEMBER", "clone");
        env.put("PATCHFLOW_DB_HOST", clone.host());
        env.put("PATCHFLOW_DB_PORT", Integer.toString(clone.port()));
        env.put("PATCHFLOW_DB_DATA_DIR", clone.dataDir().toString());
        // The clone runs on this machine: its update is a local process whatever the cluster's nodes use.
        NodeRunner.Result result = new LocalProcessNodeRunner().run(
                new NodeRunner.NodeAddress(clone.clusterId(), "clone", clone.host(), Map.of()), update.command(), env,
                update.timeout(), update.output());
        if (result.succeeded()) {
            PostgresServer server = new PostgresServer(settings);
            server.run(server.pgCtl(clone.dataDir(), "restart"), Map.of(),
                    clone.dataDir().resolveSibling("commands.log"), timeout, "restarting the clone");
        }
        return result;
    }

    @Override
    public String cloneVersion(CloneHandle clone, String versionProbe) {
        return probe.queryOne(clone.host(), clone.port(), clone.database(),
                Credentials.resolve(clone.credentialsRef()), probeOf(versionProbe));
    }

    @Override
    public List<String> cloneHealth(CloneHandle clone) {
        return probe.writable(clone.host(), clone.port(), clone.database(),
                Credentials.resolve(clone.credentialsRef()));
    }

    @Override
    public void destroyClone(CloneHandle clone) {
        new PostgresServer(settings).destroy(clone.dataDir(), clone.dataDir().getParent());
    }

    private static String database(ClusterRef cluster) {
        return cluster.database() == null || cluster.database().isBlank() ? "postgres" : cluster.database();
    }

    private static long sizeOf(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private JsonNode get(ClusterRef cluster, String apiUrl, String path) {
        HttpRequest request = request(cluster, apiUrl, path, settings.httpTimeout()).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            // /patroni answers 503 with a body on an unhealthy member; the body is still its status.
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                throw new ClusterException("GET " + apiUrl + path + ": HTTP " + response.statusCode());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ClusterException("GET " + apiUrl + path + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while calling " + apiUrl + path, e);
        }
    }

    private HttpResponse<String> post(ClusterRef cluster, String apiUrl, String path, String body, Duration timeout) {
        HttpRequest request = request(cluster, apiUrl, path, timeout.plus(settings.httpTimeout()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ClusterException("POST " + apiUrl + path + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted while calling " + apiUrl + path, e);
        }
    }

    private static HttpRequest.Builder request(ClusterRef cluster, String apiUrl, String path, Duration timeout) {
        if (apiUrl == null || apiUrl.isBlank()) {
            throw new ClusterException("a member of cluster " + cluster.clusterId() + " has no Patroni API URL");
        }
        String base = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        // Patroni's api_url points at /patroni; the endpoints are siblings of it.
        if (base.endsWith("/patroni")) {
            base = base.substring(0, base.length() - "/patroni".length());
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        Credentials credentials = Credentials.resolve(cluster.credentialsRef());
        if (credentials.restUser() != null) {
            String basic = credentials.restUser() + ":" + (credentials.restPassword() == null
                    ? ""
                    : credentials.restPassword());
            builder.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "timed out";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
