package dev.patchflow.dbcluster.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.channel.Channel;

import dev.patchflow.dbcluster.NodeRunner;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;

/**
 * A wire-level stand-in for a MongoDB replica set: one mongo-java-server per member on its own loopback port,
 * sharing the set's state, answering the commands the engine sends with the shapes a real {@code mongod} uses:
 * {@code hello}/{@code isMaster} (with {@code setName}, {@code hosts}, {@code primary}, {@code me}),
 * {@code replSetGetStatus} ({@code members[].name/stateStr/health/optimeDate}), {@code replSetStepDown} (the
 * primary becomes a secondary and the most caught-up secondary is elected) and {@code buildInfo}
 * ({@code version}). No mongod can be installed on the build machines; this is not MongoDB, it only speaks its
 * wire protocol for these commands. A member is stopped by closing its server (connections are refused) and
 * started by binding a new one on the same port, then after {@link #startupDelay} it is {@code SECONDARY}.
 * <p>
 * {@link #nodeRunner()} plays the node: {@code mongod-stop}, {@code install <version>}, {@code mongod-start}
 * act on the member the command is run for, and every command is recorded ({@link #commands()}).
 */
public final class MongoReplicaSetStandIn implements AutoCloseable {

    private final String setName;
    private final Map<String, State> members = new LinkedHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final Duration startupDelay = Duration.ofMillis(300);
    private volatile boolean statusForbidden;

    private static final class State {

        final int port;
        MongoServer server;
        String stateStr;
        String version;
        String installed;
        long lagSeconds;
        long upAt;

        State(int port, String version) {
            this.port = port;
            this.version = version;
            this.installed = version;
        }
    }

    public MongoReplicaSetStandIn(String setName, int size, String version) {
        this.setName = setName;
        for (int i = 0; i < size; i++) {
            int port = PatroniCluster.freePort();
            State s = new State(port, version);
            s.stateStr = i == 0 ? "PRIMARY" : "SECONDARY";
            members.put("127.0.0.1:" + port, s);
        }
        members.keySet().forEach(this::bind);
    }

    public synchronized List<String> hosts() {
        return new ArrayList<>(members.keySet());
    }

    public synchronized String primary() {
        return members.entrySet().stream().filter(e -> "PRIMARY".equals(e.getValue().stateStr)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    public synchronized String version(String member) {
        return members.get(member).version;
    }

    /** Answers {@code replSetGetStatus} with Unauthorized, like a user without the clusterMonitor role. */
    public void forbidStatus() {
        statusForbidden = true;
    }

    public synchronized void lag(String member, long seconds) {
        members.get(member).lagSeconds = seconds;
    }

    /** Every node command run through {@link #nodeRunner()}, as {@code member: argv}. */
    public List<String> commands() {
        return List.copyOf(commands);
    }

    private void bind(String member) {
        State s = members.get(member);
        s.server = new MongoServer(new MemberBackend(member));
        s.server.bind("127.0.0.1", s.port);
    }

    public synchronized void stop(String member) {
        State s = members.get(member);
        boolean wasPrimary = "PRIMARY".equals(s.stateStr);
        s.server.shutdownNow();
        s.stateStr = "(not reachable/healthy)";
        if (wasPrimary) {
            electOther(member);
        }
    }

    public synchronized void start(String member) {
        State s = members.get(member);
        s.version = s.installed;
        s.stateStr = "STARTUP2";
        s.upAt = System.currentTimeMillis() + startupDelay.toMillis();
        bind(member);
    }

    private synchronized void tick() {
        long now = System.currentTimeMillis();
        for (State s : members.values()) {
            if ("STARTUP2".equals(s.stateStr) && now >= s.upAt) {
                s.stateStr = "SECONDARY";
            }
        }
    }

    private synchronized Document hello(String me) {
        tick();
        State s = members.get(me);
        Document d = new Document();
        d.put("isWritablePrimary", "PRIMARY".equals(s.stateStr));
        d.put("ismaster", "PRIMARY".equals(s.stateStr));
        d.put("secondary", "SECONDARY".equals(s.stateStr));
        d.put("setName", setName);
        d.put("hosts", new ArrayList<>(members.keySet()));
        String primary = primary();
        if (primary != null) {
            d.put("primary", primary);
        }
        d.put("me", me);
        return d;
    }

    private synchronized Document status(String me) {
        tick();
        long now = Clock.systemUTC().millis();
        List<Document> list = new ArrayList<>();
        int id = 0;
        for (Map.Entry<String, State> e : members.entrySet()) {
            State s = e.getValue();
            boolean down = s.stateStr.startsWith("(");
            Document m = new Document();
            m.put("_id", id++);
            m.put("name", e.getKey());
            m.put("health", down ? 0.0 : 1.0);
            m.put("state", switch (s.stateStr) {
                case "PRIMARY" -> 1;
                case "SECONDARY" -> 2;
                case "STARTUP2" -> 5;
                default -> 8;
            });
            m.put("stateStr", s.stateStr);
            m.put("optimeDate", java.time.Instant.ofEpochMilli(now - s.lagSeconds * 1000));
            if (e.getKey().equals(me)) {
                m.put("self", true);
            }
            list.add(m);
        }
        Document d = new Document();
        d.put("set", setName);
        d.put("date", java.time.Instant.ofEpochMilli(now));
        d.put("myState", members.get(me).stateStr.equals("PRIMARY") ? 1 : 2);
        d.put("members", list);
        d.put("ok", 1.0);
        return d;
    }

    private synchronized Document stepDown(String me) {
        State s = members.get(me);
        if (!"PRIMARY".equals(s.stateStr)) {
            Document error = new Document("ok", 0.0);
            error.put("errmsg", "not primary so can't step down");
            error.put("code", 10107);
            error.put("codeName", "NotWritablePrimary");
            return error;
        }
        s.stateStr = "SECONDARY";
        electOther(me);
        return new Document("ok", 1.0);
    }

    private void electOther(String except) {
        members.entrySet().stream()
                .filter(e -> !e.getKey().equals(except) && "SECONDARY".equals(e.getValue().stateStr))
                .min((a, b) -> Long.compare(a.getValue().lagSeconds, b.getValue().lagSeconds))
                .ifPresent(e -> e.getValue().stateStr = "PRIMARY");
    }

    /** Plays the node a command is run on (see the class comment). */
    public NodeRunner nodeRunner() {
        return new NodeRunner() {

            @Override
            public String name() {
                return "stand-in";
            }

            @Override
            public Result run(NodeAddress node, List<String> argv, Map<String, String> environment, Duration timeout,
                    Path output) {
                commands.add(node.member() + ": " + String.join(" ", argv));
                String line;
                int exit = 0;
                switch (argv.get(0)) {
                    case "mongod-stop" -> {
                        stop(node.member());
                        line = "stopped " + node.member();
                    }
                    case "install" -> {
                        if (argv.size() > 2 && argv.get(2).equals(node.member())) {
                            line = "install failed on " + node.member();
                            exit = 5;
                        } else {
                            synchronized (MongoReplicaSetStandIn.this) {
                                members.get(node.member()).installed = argv.get(1);
                            }
                            line = "installed " + argv.get(1);
                        }
                    }
                    case "mongod-start" -> {
                        start(node.member());
                        line = "started " + node.member();
                    }
                    default -> {
                        line = "unknown command " + argv.get(0);
                        exit = 127;
                    }
                }
                try {
                    Files.writeString(output, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return new Result(exit, false, line, Duration.ZERO);
            }
        };
    }

    @Override
    public synchronized void close() {
        for (State s : members.values()) {
            if (s.server != null) {
                s.server.shutdownNow();
            }
        }
    }

    /** One member's server: mongo-java-server's in-memory backend plus the replica set commands. */
    private final class MemberBackend extends MemoryBackend {

        private final String me;

        MemberBackend(String me) {
            this.me = me;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            switch (command) {
                case "hello", "isMaster", "ismaster" -> {
                    // mongo-java-server itself only knows the legacy name of the handshake.
                    Document d = super.handleCommand(channel, database, "isMaster", query);
                    d.putAll(hello(me));
                    return d;
                }
                case "replSetGetStatus" -> {
                    if (statusForbidden) {
                        Document error = new Document("ok", 0.0);
                        error.put("errmsg", "not authorized on admin to execute command { replSetGetStatus: 1 }");
                        error.put("code", 13);
                        error.put("codeName", "Unauthorized");
                        return error;
                    }
                    return status(me);
                }
                case "replSetStepDown" -> {
                    return stepDown(me);
                }
                case "buildInfo", "buildinfo" -> {
                    Document d = super.handleCommand(channel, database, command, query);
                    synchronized (MongoReplicaSetStandIn.this) {
                        d.put("version", members.get(me).version);
                    }
                    return d;
                }
                default -> {
                    return super.handleCommand(channel, database, command, query);
                }
            }
        }
    }
}
