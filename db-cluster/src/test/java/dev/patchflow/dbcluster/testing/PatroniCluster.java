package dev.patchflow.dbcluster.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.patchflow.dbcluster.ClusterRef;
import dev.patchflow.dbcluster.NodeRunners;
import dev.patchflow.dbcluster.node.LocalProcessNodeRunner;
import dev.patchflow.dbcluster.patroni.PatroniEngine;
import dev.patchflow.dbcluster.patroni.PostgresSettings;
import dev.patchflow.schemas.events.Target;

/**
 * A real PostgreSQL 15 cluster managed by Patroni 3.0.2 with an etcd 3.4 member, on random free loopback ports,
 * for tests (see {@code shared/notes/patroni-on-loopback.md}). Start it once per test class; {@link #close()}
 * stops everything it started even after a failure: the Patroni processes, the postgres servers Patroni
 * detached (through each node's {@code postmaster.pid}), etcd, and deletes the folder. A JVM shutdown hook does
 * the same if a test runner dies before {@code close()}.
 * <p>
 * Node names are {@code node1..nodeN}; {@code node1} bootstraps and is the first leader. Authentication is
 * {@code trust} on 127.0.0.1 (nothing beyond loopback), the REST API has no password.
 */
public final class PatroniCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path base;
    private final String scope;
    private final int etcdPort;
    private final List<Node> nodes = new ArrayList<>();
    private Process etcd;
    private final Thread hook = new Thread(this::stopAll, "patroni-cluster-cleanup");

    /** One Patroni member. */
    public record Node(String name, int pgPort, int restPort, Path dir, Process[] process) {

        public String apiUrl() {
            return "http://127.0.0.1:" + restPort;
        }

        public Path dataDir() {
            return dir.resolve("data");
        }
    }

    private PatroniCluster(Path base, String scope, int etcdPort) {
        this.base = base;
        this.scope = scope;
        this.etcdPort = etcdPort;
    }

    /**
     * Starts etcd and {@code size} Patroni members and waits until one leader streams to every replica. A cluster
     * that does not come up is started once more from scratch: Patroni once gave up bootstrapping the first member
     * ("Failed to bootstrap cluster") on a machine loaded by a full parallel build, which is the fixture's server
     * failing to start, not what a test checks. The second failure is thrown with the first one attached.
     */
    public static PatroniCluster start(int size) {
        try {
            return startOnce(size);
        } catch (RuntimeException first) {
            System.err.println("[PatroniCluster] the cluster did not come up; starting it once more from scratch: "
                    + first.getMessage());
            try {
                return startOnce(size);
            } catch (RuntimeException second) {
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private static PatroniCluster startOnce(int size) {
        Path base;
        try {
            base = Files.createTempDirectory(Path.of("/tmp"), "patroni-");
            chownPostgres(base);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PatroniCluster cluster = new PatroniCluster(base, "pf" + UUID.randomUUID().toString().substring(0, 8),
                freePort());
        Runtime.getRuntime().addShutdownHook(cluster.hook);
        try {
            cluster.startEtcd();
            for (int i = 1; i <= size; i++) {
                cluster.startNode("node" + i, freePort(), freePort());
                if (i == 1) {
                    // The first member bootstraps alone: the others then join as replicas instead of racing it.
                    cluster.awaitHealthy(1, Duration.ofSeconds(90));
                }
            }
            cluster.awaitHealthy(size, Duration.ofSeconds(120));
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public Path baseDir() {
        return base;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The test update step ({@code patroni-update.sh <base> <level> [failing member]}, from this test-jar) as a file
     * in the cluster's folder: it writes {@code patchflow.patch_level = '<level>'} into the member's
     * {@code postgresql.base.conf}, which PostgreSQL reads only when it restarts, and appends one line per call to
     * {@code <base>/invocations/<member>}.
     */
    public Path updateScript() {
        Path script = base.resolve("patroni-update.sh");
        if (!Files.exists(script)) {
            try (var in = PatroniCluster.class.getResourceAsStream("/patroni-update.sh")) {
                Files.copy(in, script);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return script;
    }

    /** The update-step calls recorded for {@code member}: one line {@code "<member> <level> <nanos>"} per call. */
    public List<String> invocations(String member) {
        Path file = base.resolve("invocations").resolve(member);
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String clusterId() {
        return scope;
    }

    public ClusterRef ref() {
        return new ClusterRef(scope, Target.KIND_POSTGRES_PATRONI, nodes.stream().map(Node::apiUrl).toList(),
                "postgres", null, LocalProcessNodeRunner.NAME);
    }

    /** An engine for this cluster, running clones as the {@code postgres} user under this cluster's folder. */
    public PatroniEngine engine() {
        return new PatroniEngine(new NodeRunners(List.of(new LocalProcessNodeRunner())), settings());
    }

    public PostgresSettings settings() {
        return new PostgresSettings(BIN, java.util.Optional.of("postgres"), base.resolve("clones"),
                Duration.ofMillis(300), Duration.ofSeconds(10));
    }

    private void startEtcd() {
        int peer = freePort();
        Path dir = base.resolve("etcd");
        List<String> argv = List.of("etcd", "--name", "etcd0", "--data-dir", dir.toString(), "--listen-client-urls",
                "http://127.0.0.1:" + etcdPort, "--advertise-client-urls", "http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls",
                "http://127.0.0.1:" + peer, "--initial-cluster", "etcd0=http://127.0.0.1:" + peer,
                "--initial-cluster-state", "new");
        etcd = start(argv, base.resolve("etcd.log"));
        awaitHttp("http://127.0.0.1:" + etcdPort + "/health", Duration.ofSeconds(30));
    }

    private void startNode(String name, int pgPort, int restPort) {
        Path dir = base.resolve(name);
        try {
            Files.createDirectories(dir);
            chownPostgres(dir);
            Map<String, Object> config = config(name, pgPort, restPort, dir);
            Path yml = dir.resolve(name + ".yml");
            // JSON is YAML: Patroni reads it as its configuration.
            Files.writeString(yml, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));
            Process[] holder = new Process[1];
            holder[0] = start(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "env",
                    "-i", "HOME=/var/lib/postgresql", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", "/usr/bin/patroni",
                    yml.toString()), dir.resolve("patroni.log"));
            nodes.add(new Node(name, pgPort, restPort, dir, holder));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> config(String name, int pgPort, int restPort, Path dir) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("scope", scope);
        c.put("namespace", "/patchflow-test/");
        c.put("name", name);
        c.put("log", Map.of("level", "INFO"));
        c.put("restapi", Map.of("listen", "127.0.0.1:" + restPort, "connect_address", "127.0.0.1:" + restPort));
        c.put("etcd3", Map.of("hosts", "127.0.0.1:" + etcdPort));
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("wal_level", "replica");
        parameters.put("hot_standby", "on");
        parameters.put("max_wal_senders", 10);
        parameters.put("max_replication_slots", 10);
        parameters.put("wal_keep_size", "128MB");
        parameters.put("shared_buffers", "16MB");
        parameters.put("max_connections", 40);
        c.put("bootstrap", Map.of("dcs",
                Map.of("ttl", 15, "loop_wait", 1, "retry_timeout", 5, "maximum_lag_on_failover", 1048576,
                        "postgresql", Map.of("use_pg_rewind", true, "use_slots", true, "parameters", parameters)),
                "initdb", List.of(Map.of("encoding", "UTF8"), "data-checksums")));
        Map<String, Object> pg = new LinkedHashMap<>();
        pg.put("listen", "127.0.0.1:" + pgPort);
        pg.put("connect_address", "127.0.0.1:" + pgPort);
        pg.put("data_dir", dir.resolve("data").toString());
        pg.put("bin_dir", BIN.toString());
        pg.put("pgpass", dir.resolve("pgpass").toString());
        pg.put("authentication", Map.of("superuser", Map.of("username", "postgres", "password", "postgres"),
                "replication", Map.of("username", "replicator", "password", "replicator"), "rewind",
                Map.of("username", "postgres", "password", "postgres")));
        pg.put("parameters", Map.of("unix_socket_directories", dir.toString()));
        pg.put("pg_hba", List.of("local all all trust", "host all all 127.0.0.1/32 trust",
                "host replication all 127.0.0.1/32 trust"));
        c.put("postgresql", pg);
        c.put("watchdog", Map.of("mode", "off"));
        c.put("tags", Map.of("nofailover", false, "noloadbalance", false, "clonefrom", false, "nosync", false));
        return c;
    }

    /** Waits until {@code size} members run, one of them the leader, every replica streaming with lag 0. */
    public void awaitHealthy(int size, Duration timeout) {
        PatroniEngine engine = engine();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems = List.of("not asked yet");
        while (System.nanoTime() < deadline) {
            try {
                int members = engine.topology(ref()).members().size();
                problems = members < size ? List.of(members + " of " + size + " members") : engine.health(ref(), 0);
            } catch (RuntimeException e) {
                problems = List.of(String.valueOf(e.getMessage()));
            }
            if (problems.isEmpty()) {
                return;
            }
            sleep(500);
        }
        throw new IllegalStateException("the Patroni cluster in " + base + " is not healthy after " + timeout + ": "
                + problems + "\n" + logTails());
    }

    /** The last lines of every member's log, for a failure message. */
    public String logTails() {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            out.append("--- ").append(n.name()).append('\n').append(tail(n.dir().resolve("patroni.log"), 40));
        }
        return out.toString();
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (stopAll is idempotent).
        }
    }

    private synchronized void stopAll() {
        for (Node n : nodes) {
            Process p = n.process()[0];
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }
        for (Node n : nodes) {
            Process p = n.process()[0];
            if (p != null) {
                waitOrKill(p, 20);
            }
            stopPostgres(n.dataDir());
        }
        if (etcd != null) {
            etcd.destroy();
            waitOrKill(etcd, 10);
        }
        if (Files.exists(base.resolve("clones"))) {
            try (Stream<Path> clones = Files.list(base.resolve("clones"))) {
                clones.forEach(home -> stopPostgres(home.resolve("data")));
            } catch (IOException e) {
                // The folder goes below anyway.
            }
        }
        deleteTree(base);
    }

    /** A postgres server Patroni detached outlives a killed Patroni: stop it through its postmaster.pid. */
    public static void stopPostgres(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy(); // SIGTERM: smart shutdown would wait for clients; fall back to SIGKILL below
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.descendants().forEach(ProcessHandle::destroyForcibly);
                    h.destroyForcibly();
                }
            });
        } catch (IOException | RuntimeException e) {
            // Best effort: nothing else can be done about a server that will not die.
        }
    }

    /** Kills the Patroni of {@code name} with SIGKILL (its postgres keeps running, detached). */
    public void killPatroni(String name) {
        Process p = node(name).process()[0];
        p.destroyForcibly();
        waitOrKill(p, 10);
    }

    private static void waitOrKill(Process p, int seconds) {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs in the folder of its log, inside the cluster's folder: a member runs as {@code postgres}, and the test's
     * own working directory (a checkout under {@code mktemp -d}, mode 0700) may be closed to it, which left the
     * first member's bootstrap "in progress" until the start gave up.
     */
    private static Process start(List<String> argv, Path log) {
        try {
            return new ProcessBuilder(argv).directory(log.getParent().toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + argv.get(0) + " (is it installed? .ci/run installs "
                    + "patroni, etcd-server and postgresql): " + e.getMessage(), e);
        }
    }

    private static void awaitHttp(String url, Duration timeout) {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(url + " did not answer within " + timeout);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chownPostgres(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
        Files.setOwner(path, path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // Temp folder: left for the OS.
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
        } catch (IOException e) {
            return "(no log)\n";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
