package dev.patchflow.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The Patchflow infrastructure in one process, on 127.0.0.1: a real KRaft Kafka broker, a MongoDB-wire server
 * (mongo-java-server) and an S3 server (s3proxy, as a child process), with all their data under one directory.
 * <p>
 * The same class serves the tests ({@link LocalStackTestResource}, {@link LocalStackExtension}: random ports, temp
 * directory, in-memory Mongo) and the local run ({@link LocalStackMain}: fixed ports, persistent directory), so that
 * what is tested is what runs.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().dataDir(dir).build().start()) {
 *     stack.kafkaBootstrapServers(); // "127.0.0.1:40123"
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    /** Every server binds here only: the stack is for one machine and must never be reachable from outside. */
    public static final String HOST = "127.0.0.1";
    /** The one bucket Patchflow uses; created at start (idempotently). */
    public static final String BUCKET = "patchflow";
    public static final String S3_ACCESS_KEY = "patchflow";
    public static final String S3_SECRET_KEY = "patchflow-secret";
    public static final String S3_REGION = "us-east-1";

    /** Partitions of the Patchflow topics and of auto-created topics: more than one, so ordering bugs show. */
    public static final int PARTITIONS = 3;

    private static final long START_TIMEOUT_SECONDS = 90;
    /** Strong references: JUL holds loggers weakly and would forget the levels set on them. */
    private static final List<Logger> QUIETED = new ArrayList<>();
    private static final Logger LOG = Logger.getLogger(LocalStack.class.getName());

    private final List<String> timings = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final Builder config;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;

    private volatile EmbeddedKafka kafka;
    private volatile EmbeddedMongo mongo;
    private volatile EmbeddedS3 s3;
    private boolean started;
    /** Set once the server answers; a {@link #view(Map)} has only these. */
    private volatile String kafkaBootstrapServers;
    private volatile String mongoConnectionString;
    private volatile String s3Endpoint;

    private LocalStack(Path dataDir) {
        this.config = null;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = false;
        this.started = true;
    }

    /**
     * A stack started elsewhere (another class loader of the same test JVM), known by its
     * {@link #serviceProperties()}; closing it stops nothing.
     */
    static LocalStack view(Map<String, String> serviceProperties) {
        LocalStack view = new LocalStack((Path) null);
        view.kafkaBootstrapServers = serviceProperties.get("kafka.bootstrap.servers");
        view.mongoConnectionString = serviceProperties.get("quarkus.mongodb.connection-string");
        view.s3Endpoint = serviceProperties.get("patchflow.s3.endpoint");
        return view;
    }

    private LocalStack(Builder config) {
        this.config = config;
        try {
            if (config.dataDir == null) {
                this.dataDir = Files.createTempDirectory("patchflow-localstack-");
                this.deleteDataDirOnClose = true;
            } else {
                this.dataDir = Files.createDirectories(config.dataDir.toAbsolutePath().normalize());
                this.deleteDataDirOnClose = false;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the local stack data directory", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the servers that were asked for, in parallel (Kafka and the s3proxy JVM each take a few seconds), and
     * returns once each one answers and the Patchflow topics and bucket exist. Every port is checked first, so that
     * a port already in use fails fast with a message naming it.
     *
     * @throws IllegalStateException if a port is taken or a server does not start; whatever did start is stopped
     */
    public synchronized LocalStack start() {
        if (started) {
            return this;
        }
        started = true;
        // JUL and JBoss LogManager initialise on this thread, before the servers start logging on several threads at
        // once: initialised concurrently, LogManager and LogContext class initialisation can deadlock.
        java.util.logging.LogManager.getLogManager();
        quietServerLoggers();
        if (config.kafka) {
            Ports.requireFree("Kafka", config.kafkaPort);
            Ports.requireFree("Kafka controller", config.kafkaControllerPort);
        }
        if (config.mongo) {
            Ports.requireFree("Mongo", config.mongoPort);
        }
        if (config.s3) {
            Ports.requireFree("S3", config.s3Port);
        }
        long startedAt = System.nanoTime();
        List<CompletableFuture<?>> starting = new ArrayList<>();
        if (config.kafka) {
            starting.add(async("kafka", () -> kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), config.kafkaPort,
                    config.kafkaControllerPort)));
        }
        if (config.s3) {
            starting.add(async("s3", () -> s3 = EmbeddedS3.start(dataDir, config.s3Port)));
        }
        if (config.mongo) {
            // Fast (milliseconds): started on this thread while the others boot.
            try {
                mongo = EmbeddedMongo.start(config.persistentMongo ? dataDir.resolve("mongo.mv") : null,
                        config.mongoPort);
            } catch (RuntimeException e) {
                starting.forEach(f -> f.cancel(false));
                awaitQuietly(starting);
                close();
                throw e;
            }
        }
        try {
            CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(START_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            awaitQuietly(starting);
            close();
            throw new IllegalStateException("Interrupted while starting the local stack", e);
        } catch (ExecutionException | TimeoutException e) {
            awaitQuietly(starting);
            close();
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("The local stack did not start: " + cause, cause);
        }
        kafkaBootstrapServers = kafka == null ? null : kafka.bootstrapServers();
        mongoConnectionString = mongo == null ? null : mongo.connectionString();
        s3Endpoint = s3 == null ? null : s3.endpoint();
        long elapsedMs = (System.nanoTime() - startedAt) / 1_000_000;
        LOG.info(() -> "Local stack started in " + elapsedMs + " ms " + String.join(" ", timings) + ": "
                + serviceProperties().keySet() + ", data in " + dataDir);
        return this;
    }

    /**
     * Kafka (and its Scala side) and mongo-java-server log every connection and partition change at INFO, which buries
     * a test's own output. A level already set to WARN or stricter (e.g. by the service's configuration) is kept.
     */
    private static synchronized void quietServerLoggers() {
        if (!QUIETED.isEmpty()) {
            return;
        }
        for (String name : List.of("kafka", "org.apache.kafka", "state.change.logger", "de.bwaldvogel")) {
            Logger logger = Logger.getLogger(name);
            if (logger.getLevel() == null || logger.getLevel().intValue() < Level.WARNING.intValue()) {
                logger.setLevel(Level.WARNING);
            }
            QUIETED.add(logger);
        }
    }

    private CompletableFuture<Void> async(String name, Runnable task) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                long begin = System.nanoTime();
                task.run();
                timings.add("(" + name + " " + (System.nanoTime() - begin) / 1_000_000 + " ms)");
                future.complete(null);
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        }, "localstack-start-" + name);
        thread.setDaemon(true);
        thread.start();
        return future;
    }

    private static void awaitQuietly(List<CompletableFuture<?>> futures) {
        for (CompletableFuture<?> future : futures) {
            try {
                future.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // Only waiting so that close() sees what did start.
            }
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return require(kafkaBootstrapServers, "Kafka");
    }

    /** {@code mongodb://127.0.0.1:<port>}. */
    public String mongoConnectionString() {
        return require(mongoConnectionString, "Mongo");
    }

    /** {@code http://127.0.0.1:<port>}; path-style addressing (any S3 client works with it). */
    public String s3Endpoint() {
        return require(s3Endpoint, "S3");
    }

    public String s3AccessKey() {
        return S3_ACCESS_KEY;
    }

    public String s3SecretKey() {
        return S3_SECRET_KEY;
    }

    public String s3Bucket() {
        return BUCKET;
    }

    public String s3Region() {
        return S3_REGION;
    }

    /** The directory holding {@code kafka/}, {@code mongo.mv}, {@code s3/} and {@code s3proxy.log}. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * The configuration a Patchflow service needs to use the servers that were started, under the names the services
     * read (see docs/CONVENTIONS.md): {@code kafka.bootstrap.servers} (and the consumers' session timeout),
     * {@code quarkus.mongodb.connection-string}, {@code patchflow.s3.*}.
     */
    public Map<String, String> serviceProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (kafkaBootstrapServers != null) {
            properties.put("kafka.bootstrap.servers", kafkaBootstrapServers());
            // On one machine services are killed and started again (a crash, the tests' kill -9, a restart of the
            // broker); a consumer that left without saying so keeps its partitions until its session times out, and
            // its group waits for it that long. Kafka's default (45 s) stood the run still for 45 s each time; 10 s
            // (heartbeats every 3 s, from a thread of their own) is above the broker's minimum (6 s) and leaves a
            // live consumer margin on a loaded machine.
            properties.put("kafka.session.timeout.ms", "10000");
            properties.put("kafka.heartbeat.interval.ms", "3000");
        }
        if (mongoConnectionString != null) {
            properties.put("quarkus.mongodb.connection-string", mongoConnectionString());
        }
        if (s3Endpoint != null) {
            properties.put("patchflow.s3.endpoint", s3Endpoint());
            properties.put("patchflow.s3.access-key", s3AccessKey());
            properties.put("patchflow.s3.secret-key", s3SecretKey());
            properties.put("patchflow.s3.bucket", s3Bucket());
            properties.put("patchflow.s3.region", s3Region());
        }
        return properties;
    }

    /**
     * Takes the MongoDB-wire server down (every connection dropped, the port closed) until {@link #startMongo()}:
     * a dependency outage for tests. Only a persistent server keeps its data across the outage.
     */
    public synchronized void stopMongo() {
        if (!config.persistentMongo) {
            throw new IllegalStateException("an in-memory MongoDB-wire server would lose its data: build the stack "
                    + "with persistentMongo(true) to stop and start it");
        }
        EmbeddedMongo running = running(mongo, "MongoDB-wire");
        mongo = null;
        running.close();
    }

    /** Brings the MongoDB-wire server back on the same port, with the data it had. */
    public synchronized void startMongo() {
        if (mongo == null) {
            mongo = EmbeddedMongo.start(dataDir.resolve("mongo.mv"), portOf(mongoConnectionString));
        }
    }

    /** Takes the S3 server down until {@link #startS3()}: a dependency outage for tests. Objects stay on disk. */
    public synchronized void stopS3() {
        EmbeddedS3 running = running(s3, "S3");
        s3 = null;
        running.close();
    }

    /** Brings the S3 server back on the same port, with the objects it had. */
    public synchronized void startS3() {
        if (s3 == null) {
            s3 = EmbeddedS3.start(dataDir, portOf(s3Endpoint));
        }
    }

    /**
     * Takes the Kafka broker down (every client connection dropped) until {@link #startKafka()}: a broker restart for
     * tests. Its log directory stays, so the topics, records and committed offsets come back with it.
     */
    public synchronized void stopKafka() {
        EmbeddedKafka running = running(kafka, "Kafka");
        kafka = null;
        running.close();
    }

    /** Brings the Kafka broker back on the same port, with the log it had. */
    public synchronized void startKafka() {
        if (kafka == null) {
            kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), portOf(kafkaBootstrapServers),
                    config.kafkaControllerPort);
        }
    }

    private static int portOf(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1).replaceAll("[^0-9].*$", ""));
    }

    private static <T> T running(T server, String name) {
        if (server == null) {
            throw new IllegalStateException(name + " is not running in this local stack");
        }
        return server;
    }

    /** Stops everything that was started (the s3proxy child process included); safe to call twice. */
    @Override
    public synchronized void close() {
        List<RuntimeException> failures = new ArrayList<>();
        EmbeddedS3 s3 = this.s3;
        EmbeddedMongo mongo = this.mongo;
        EmbeddedKafka kafka = this.kafka;
        this.s3 = null;
        this.mongo = null;
        this.kafka = null;
        this.kafkaBootstrapServers = null;
        this.mongoConnectionString = null;
        this.s3Endpoint = null;
        // s3proxy first: it is another process, and the one thing that must not outlive us.
        closeQuietly(s3, failures);
        closeQuietly(mongo, failures);
        closeQuietly(kafka, failures);
        if (deleteDataDirOnClose && dataDir != null) {
            FileTrees.deleteQuietly(dataDir);
        }
        if (!failures.isEmpty()) {
            IllegalStateException failure = new IllegalStateException("The local stack did not stop cleanly");
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static void closeQuietly(AutoCloseable server, List<RuntimeException> failures) {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (Exception e) {
            failures.add(e instanceof RuntimeException re ? re : new IllegalStateException(e));
        }
    }

    private static String require(String address, String name) {
        if (address == null) {
            throw new IllegalStateException(
                    name + " is not running in this local stack (not started, or not asked for)");
        }
        return address;
    }

    @Override
    public String toString() {
        return "LocalStack" + serviceProperties() + " in " + dataDir;
    }

    /**
     * What to start and where. Port {@code 0} (the default) means a free port chosen at start; a persistent data
     * directory with fixed ports is what the local run uses.
     */
    public static final class Builder {

        private Path dataDir;
        private int kafkaPort;
        private int kafkaControllerPort;
        private int mongoPort;
        private int s3Port;
        private boolean persistentMongo = true;
        private boolean kafka = true;
        private boolean mongo = true;
        private boolean s3 = true;

        private Builder() {
        }

        /** Where all data lives; survives restarts. Default: a temporary directory, deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = checkPort(port);
            return this;
        }

        /**
         * The KRaft controller listener; default {@code 0} = a free port at each start (the quorum is static, so it may
         * change between restarts of the same data directory).
         */
        public Builder kafkaControllerPort(int port) {
            this.kafkaControllerPort = checkPort(port);
            return this;
        }

        public Builder mongoPort(int port) {
            this.mongoPort = checkPort(port);
            return this;
        }

        public Builder s3Port(int port) {
            this.s3Port = checkPort(port);
            return this;
        }

        /**
         * {@code true} (default): Mongo data in {@code <dataDir>/mongo.mv} (H2 MVStore); {@code false}: in memory, lost on
         * close (faster, for tests).
         */
        public Builder persistentMongo(boolean persistentMongo) {
            this.persistentMongo = persistentMongo;
            return this;
        }

        public Builder kafka(boolean start) {
            this.kafka = start;
            return this;
        }

        public Builder mongo(boolean start) {
            this.mongo = start;
            return this;
        }

        public Builder s3(boolean start) {
            this.s3 = start;
            return this;
        }

        /** The stack, not started yet. */
        public LocalStack build() {
            Builder copy = new Builder();
            copy.dataDir = dataDir;
            copy.kafkaPort = kafkaPort;
            copy.kafkaControllerPort = kafkaControllerPort;
            copy.mongoPort = mongoPort;
            copy.s3Port = s3Port;
            copy.persistentMongo = persistentMongo;
            copy.kafka = kafka;
            copy.mongo = mongo;
            copy.s3 = s3;
            return new LocalStack(copy);
        }

        /** Shortcut for {@code build().start()}. */
        public LocalStack start() {
            return build().start();
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Not a TCP port: " + port);
            }
            return port;
        }
    }
}
