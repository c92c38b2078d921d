package dev.patchflow.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import dev.patchflow.schemas.Topics;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * One KRaft node that is both broker and controller, run in-process from the Apache Kafka jars, exactly what
 * {@code kafka-storage.sh format} + {@code kafka-server-start.sh} do: the storage is formatted once by
 * {@link StorageTool} (the tool's own code, so meta.properties and the bootstrap checkpoint are what Kafka expects) and
 * reused as is on every later start, keeping the cluster id and every record.
 * <p>
 * The controller quorum is static ({@code controller.quorum.voters}), not the dynamic one of {@code --standalone}: a
 * dynamic quorum stores the controller endpoint in the log, which would pin the controller port forever; with a
 * static one, the controller can take any free port at each start.
 */
final class EmbeddedKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String OVERRIDE_PREFIX = "patchflow.localstack.kafka.";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedKafka start(Path logDir, int requestedPort, int requestedControllerPort) {
        int port = Ports.orFree(requestedPort);
        int controllerPort = Ports.orFree(requestedControllerPort);
        while (controllerPort == port) {
            controllerPort = Ports.free();
        }
        try {
            Files.createDirectories(logDir);
            Properties properties = serverProperties(logDir, port, controllerPort);
            formatOnce(logDir, properties);
            KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(properties), Time.SYSTEM);
            EmbeddedKafka kafka = new EmbeddedKafka(server, port);
            try {
                server.startup();
                kafka.createPatchflowTopics();
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka log directory " + logDir, e);
        } catch (RuntimeException e) {
            if (isBindFailure(e)) {
                throw new IllegalStateException(Ports.inUse("Kafka", port) + " (or its controller port "
                        + controllerPort + ")", e);
            }
            throw e;
        }
    }

    static Properties serverProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + LocalStack.HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + LocalStack.HOST + ":" + port + ",CONTROLLER://" + LocalStack.HOST + ":"
                + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + LocalStack.HOST + ":" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("num.partitions", String.valueOf(LocalStack.PARTITIONS));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        // 50 partitions by default: each one costs files and start time, and one node gains nothing from them.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers of a fresh group get their partitions at once instead of after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // Experiments and special cases: -Dpatchflow.localstack.kafka.<property>=<value> overrides any of the above.
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(OVERRIDE_PREFIX))
                .forEach(name -> p.put(name.substring(OVERRIDE_PREFIX.length()), System.getProperty(name)));
        return p;
    }

    /**
     * Formats the log directory unless {@code meta.properties} is already there: a restart must keep the cluster id and
     * the data, which a second format would refuse (or, forced, destroy).
     */
    private static void formatOnce(Path logDir, Properties properties) throws IOException {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        Path config = logDir.getParent().resolve("kafka.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            properties.store(out, "Written by Patchflow local-stack to format the Kafka storage; regenerated on start");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exit = StorageTool.execute(new String[]{"format", "--cluster-id", Uuid.randomUuid().toString(), "--config",
                    config.toString(), "--ignore-formatted"}, print);
        } catch (Exception e) {
            throw new IllegalStateException("Formatting the Kafka storage in " + logDir + " failed: " + output, e);
        }
        if (exit != 0) {
            throw new IllegalStateException(
                    "Formatting the Kafka storage in " + logDir + " failed (exit " + exit + "): "
                            + output.toString(StandardCharsets.UTF_8));
        }
    }

    /**
     * Creates the stage topics and their dead-letter topics up front, with {@link LocalStack#PARTITIONS} partitions:
     * consumers then get partitions at once instead of racing auto-creation. Retried until the broker is unfenced
     * (the controller refuses to place replicas before).
     */
    private void createPatchflowTopics() {
        List<String> names = new ArrayList<>();
        for (String stage : Topics.STAGES) {
            names.add(stage);
            names.add(Topics.deadLetter(stage));
        }
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10000))) {
            while (true) {
                try {
                    Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                    List<NewTopic> missing = names.stream()
                            .filter(name -> !existing.contains(name))
                            .map(name -> new NewTopic(name, LocalStack.PARTITIONS, (short) 1))
                            .toList();
                    if (!missing.isEmpty()) {
                        admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
                    }
                    return;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        continue;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not become ready on " + bootstrapServers(), e);
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka did not become ready on " + bootstrapServers(), e);
                    }
                }
                pause();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the Patchflow topics", e);
        }
    }

    private static void pause() throws InterruptedException {
        // A retry interval, not a wait for a condition: the loop above polls the broker.
        TimeUnit.MILLISECONDS.sleep(100);
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.net.BindException
                    || String.valueOf(c.getMessage()).contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    String bootstrapServers() {
        return LocalStack.HOST + ":" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
