package dev.patchflow.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the whole pipeline next to the floor set by Kafka itself: N dry-run targets end to end
 * through the five services, and N records through a bare 5-hop consumer→producer chain on the same
 * broker in the same run. Prints figures and their ratio; asserts nothing.
 */
@Command(name = "benchmark", description = "Measures end-to-end targets/s against a bare 5-hop Kafka chain.")
public final class PipelineBenchmark implements Callable<Integer> {

    private static final int HOPS = 5;

    @Option(names = "--targets", defaultValue = "10000", description = "Dry-run targets (default: ${DEFAULT-VALUE}).")
    int targets;

    @Option(names = "--max-concurrency", defaultValue = "32", description = "Runner concurrency for the run (default: ${DEFAULT-VALUE}).")
    String maxConcurrency;

    @Option(names = "--data-dir", description = "Scratch folder (default: a new temporary folder).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (targets < 1) {
            throw new IllegalArgumentException("--targets must be at least 1");
        }
        Path data = dataDir != null ? dataDir.toAbsolutePath() : Files.createTempDirectory("patchflow-bench");
        try (PatchflowSystem system = PatchflowSystem.start(LauncherMain.home(), data, false, Map.of(),
                LauncherMain::say)) {
            Path inventory = writeInventory(data.resolve("bench-inventory.yaml"), targets);
            String runId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
            PatchRequested request = new PatchRequested(runId, Instant.now(), "benchmark",
                    new PatchSpec("bench-noop", "1.0.0", PatchSpec.EXECUTOR_PROCESS, List.of("true"), 60, Map.of()),
                    new TargetSelector("static", inventory.toString(), null, List.of(), Map.of()),
                    new RunOptions(true, Phases.ALL, new RolloutPolicy(null, maxConcurrency), List.of()));

            LauncherMain.say("pipeline: " + targets + " dry-run targets, max concurrency " + maxConcurrency);
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(system.stack().kafkaBootstrapServers())) {
                producer.send(new EventCodec().toRecord(CloudEvent.of("/patchflow/benchmark", request))).get();
            }
            JsonNode run = new RunWatcher(system.reportUrl(), system.token("viewer")).awaitCompleted(runId,
                    Duration.ofMinutes(30));
            double pipelineSeconds = (System.nanoTime() - start) / 1e9;
            double pipelineRate = targets / pipelineSeconds;

            LauncherMain.say("bare chain: " + targets + " records through " + HOPS + " consumer→producer hops");
            double chainSeconds = bareChain(system.stack().kafkaBootstrapServers(), targets);
            double chainRate = targets / chainSeconds;

            System.out.printf("%nBENCHMARK (targets=%d, same broker, same run)%n", targets);
            System.out.printf("  pipeline, 5 services end to end : %8.1f s  %10.1f targets/s  (outcome %s, %s)%n",
                    pipelineSeconds, pipelineRate, run.path("outcome").asText(), run.path("counts"));
            System.out.printf("  bare 5-hop Kafka pass-through   : %8.1f s  %10.1f records/s%n", chainSeconds,
                    chainRate);
            System.out.printf("  ratio pipeline / bare chain     : %8.3f%n", pipelineRate / chainRate);
            return 0;
        }
    }

    private static Path writeInventory(Path file, int count) throws java.io.IOException {
        List<Map<String, Object>> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(Map.of("id", String.format("bench-%05d", i), "environment", "bench", "landingZone",
                    "lz-bench-" + (i % 4), "platform", "linux", "arch", "x86_64", "state", "running"));
        }
        new YAMLMapper().writeValue(file.toFile(), Map.of("targets", list));
        return file;
    }

    /** Seconds for {@code n} records of ~512 B to pass {@link #HOPS} plain consumer→producer hops. */
    static double bareChain(String bootstrap, int n) throws Exception {
        String prefix = "bench.hop." + UUID.randomUUID().toString().substring(0, 6) + ".";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (int hop = 0; hop <= HOPS; hop++) {
                topics.add(new NewTopic(prefix + hop, 3, (short) 1));
            }
            admin.createTopics(topics).all().get();
            awaitLeaders(admin, topics.stream().map(NewTopic::name).toList());
        }
        ExecutorService pool = Executors.newFixedThreadPool(HOPS + 1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            for (int hop = 0; hop < HOPS; hop++) {
                String from = prefix + hop;
                String to = prefix + (hop + 1);
                pool.submit(() -> passThrough(bootstrap, from, to, stop));
            }
            Future<Long> last = pool.submit(() -> countUntil(bootstrap, prefix + HOPS, n));
            byte[] payload = new byte[512];
            java.util.Arrays.fill(payload, (byte) 'x');
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(prefix + 0, "k" + i, payload));
                }
                producer.flush();
            }
            long endNanos = last.get();
            return (endNanos - start) / 1e9;
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** A new topic has no partition leaders for a moment; producing before that only logs retries. */
    private static void awaitLeaders(Admin admin, List<String> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            boolean ready = admin.describeTopics(topics).allTopicNames().get().values().stream()
                    .flatMap(description -> description.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
            if (ready) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("topics " + topics + " have no leaders after 30 s");
    }

    private static Void passThrough(String bootstrap, String from, String to, AtomicBoolean stop) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "bench-" + from);
                KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            consumer.subscribe(List.of(from));
            while (!stop.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> record : records) {
                    producer.send(new ProducerRecord<>(to, record.key(), record.value()));
                }
                if (!records.isEmpty()) {
                    producer.flush();
                    consumer.commitSync();
                }
            }
        }
        return null;
    }

    private static long countUntil(String bootstrap, String topic, int n) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "bench-count-" + topic)) {
            consumer.subscribe(List.of(topic));
            int seen = 0;
            while (seen < n) {
                seen += consumer.poll(Duration.ofMillis(100)).count();
            }
            return System.nanoTime();
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(props);
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

}
