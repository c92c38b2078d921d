package dev.patchflow.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RolloutPolicy;
import dev.patchflow.schemas.events.RunCompleted;
import dev.patchflow.schemas.events.RunOptions;
import dev.patchflow.schemas.events.TargetSelector;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of the whole pipeline next to the floor set by Kafka itself, at several run sizes in one run:
 * N dry-run targets end to end through the five services, and N records through a bare 5-hop
 * consumer→producer chain on the same broker, written as a competent Kafka engineer would (batched producer,
 * asynchronous sends, a commit per poll, the clock started once every hop has its partitions). Prints the
 * figures, their ratios, the per-target cost at the largest size relative to the one before, each process's CPU per
 * target, what starting one process costs on this machine ({@link ProcessCost}: a dry run starts one executor
 * process per target), the time the runner spent in executor processes and each service's peak RSS; asserts
 * nothing.
 */
@Command(name = "benchmark", description = "Measures end-to-end targets/s against a bare 5-hop Kafka chain.")
public final class PipelineBenchmark implements Callable<Integer> {

    private static final int HOPS = 5;
    /** Keys of the bare chain's timed records; the warm-up writes carry {@link #WARM_UP_KEY}. */
    private static final String RECORD_KEY_PREFIX = "k";
    private static final String WARM_UP_KEY = "warm-up";
    /** Processes started one after the other for the process reference ({@link ProcessCost}). */
    private static final int REFERENCE_PROCESSES = 500;

    @Option(names = "--sizes", split = ",", defaultValue = "1000,10000,100000", description = "Run sizes in dry-run targets, smallest first (default: ${DEFAULT-VALUE}).")
    List<Integer> sizes;

    @Option(names = "--targets", description = "One run size instead of --sizes.")
    Integer targets;

    @Option(names = "--max-concurrency", defaultValue = "64", description = "Runner concurrency for the run (default: ${DEFAULT-VALUE}).")
    String maxConcurrency;

    @Option(names = "--data-dir", description = "Scratch folder (default: a new temporary folder).")
    Path dataDir;

    /** One size's figures. */
    record Figures(int targets, double pipelineSeconds, double chainSeconds, String outcome,
            Map<String, Duration> cpuOfPipeline) {

        double pipelineRate() {
            return targets / pipelineSeconds;
        }

        double chainRate() {
            return targets / chainSeconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Integer> runSizes = targets != null ? List.of(targets) : sizes.stream().sorted().toList();
        if (runSizes.isEmpty() || runSizes.get(0) < 1) {
            throw new IllegalArgumentException("run sizes must be at least 1: " + runSizes);
        }
        Path data = dataDir != null ? dataDir.toAbsolutePath() : Files.createTempDirectory("patchflow-bench");
        // The runner takes what the run allows: the service-wide worker pool is not the limit under test.
        Map<String, String> settings = Map.of("patchflow.runner.workers", maxConcurrency.replace("%", ""));
        try (PatchflowSystem system = PatchflowSystem.start(LauncherMain.home(), data, false, settings,
                LauncherMain::say)) {
            String bootstrap = system.stack().kafkaBootstrapServers();
            List<Figures> figures = new ArrayList<>();
            for (int size : runSizes) {
                Path inventory = writeInventory(data.resolve("bench-inventory-" + size + ".yaml"), size);
                LauncherMain.say("pipeline: " + size + " dry-run targets, max concurrency " + maxConcurrency);
                Map<String, Duration> cpuBefore = system.cpuTimes();
                PipelineRun run = runPipeline(bootstrap, inventory, size);
                if (run.completed().counts().targets() != size) {
                    // A rejected run "completes" at once: its time is no throughput figure.
                    throw new IllegalStateException("the run of " + size + " targets ended "
                            + run.completed().outcome() + " with " + run.completed().counts().targets()
                            + " targets; the reason is in " + data.resolve("logs") + "/scanner-svc.log");
                }
                Map<String, Duration> cpuOfPipeline = new LinkedHashMap<>();
                system.cpuTimes().forEach((process, after) -> cpuOfPipeline.put(process,
                        after.minus(cpuBefore.getOrDefault(process, Duration.ZERO))));
                LauncherMain.say("bare chain: " + size + " records through " + HOPS + " consumer→producer hops");
                double chainSeconds = bareChain(bootstrap, size);
                figures.add(new Figures(size, run.seconds(), chainSeconds, run.completed().outcome() + " "
                        + run.completed().counts(), cpuOfPipeline));
            }
            LauncherMain.say("process reference: " + REFERENCE_PROCESSES + " processes started one after the other");
            Optional<ProcessCost> processCost = ProcessCost.measure(REFERENCE_PROCESSES);
            print(figures, processCost, system);
            return 0;
        }
    }

    /** A run's RunCompleted and the seconds from publishing its request to reading it. */
    record PipelineRun(RunCompleted completed, double seconds) {
    }

    /** Publishes one dry-run request and waits for its RunCompleted on patchflow.runs. */
    private PipelineRun runPipeline(String bootstrap, Path inventory, int size) throws Exception {
        String runId = "bench-" + size + "-" + UUID.randomUUID().toString().substring(0, 8);
        PatchRequested request = new PatchRequested(runId, Instant.now(), "benchmark",
                new PatchSpec("bench-noop", "1.0.0", PatchSpec.EXECUTOR_PROCESS, List.of("true"), 60, Map.of()),
                new TargetSelector("static", inventory.toString(), null, List.of(), Map.of()),
                new RunOptions(true, Phases.ALL, new RolloutPolicy(null, maxConcurrency), List.of()));
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<String, byte[]> runs = consumer(bootstrap, "bench-runs-" + runId)) {
            // Read patchflow.runs from its end as it is now: the run's RunCompleted comes after.
            List<TopicPartition> partitions = runs.partitionsFor(Topics.RUNS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.RUNS, p.partition())).toList();
            runs.assign(partitions);
            runs.seekToEnd(partitions);
            partitions.forEach(runs::position);
            long start = System.nanoTime();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                producer.send(codec.toRecord(CloudEvent.of("/patchflow/benchmark", request))).get();
            }
            long deadline = start + Duration.ofMinutes(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : runs.poll(Duration.ofMillis(100))) {
                    if (runId.equals(record.key())) {
                        CloudEvent<?> event = codec.decode(record);
                        if (event.data() instanceof RunCompleted completed) {
                            return new PipelineRun(completed, (System.nanoTime() - start) / 1e9);
                        }
                    }
                }
            }
            throw new IllegalStateException("run " + runId + " did not complete within 60 minutes");
        }
    }

    private void print(List<Figures> figures, Optional<ProcessCost> processCost, PatchflowSystem system)
            throws Exception {
        System.out.printf("%nBENCHMARK: dry-run targets through the five services vs a bare 5-hop Kafka chain "
                + "(same broker, same run, this machine)%n");
        System.out.printf("  %9s  %12s  %12s  %10s  %12s  %14s%n", "targets", "pipeline s", "targets/s", "chain s",
                "records/s", "pipeline/chain");
        for (Figures f : figures) {
            System.out.printf("  %9d  %12.1f  %12.1f  %10.2f  %12.1f  %14.3f%n", f.targets(), f.pipelineSeconds(),
                    f.pipelineRate(), f.chainSeconds(), f.chainRate(), f.pipelineRate() / f.chainRate());
        }
        for (Figures f : figures) {
            System.out.printf("  run of %d: %s%n", f.targets(), f.outcome());
        }
        if (figures.size() >= 2) {
            Figures large = figures.get(figures.size() - 1);
            Figures before = figures.get(figures.size() - 2);
            double ratio = (large.pipelineSeconds() / large.targets()) / (before.pipelineSeconds() / before.targets());
            System.out.printf("  per-target cost at %d relative to %d: %.2fx%n", large.targets(), before.targets(),
                    ratio);
        }
        // Every process shares this machine's cores: the CPU each one spends per target bounds the rate.
        int cores = Runtime.getRuntime().availableProcessors();
        for (Figures f : figures) {
            double total = f.cpuOfPipeline().values().stream().mapToDouble(d -> d.toNanos() / 1e6).sum() / f.targets();
            System.out.printf("  CPU per target, run of %d: %s; total %.1f ms, so at most %.0f targets/s on %d "
                    + "cores%n", f.targets(),
                    String.join(", ", f.cpuOfPipeline().entrySet().stream()
                            .map(e -> String.format("%s %.1f ms", e.getKey(), e.getValue().toNanos() / 1e6
                                    / f.targets()))
                            .toList()),
                    total, cores * 1000 / Math.max(total, 0.001), cores);
        }
        // A dry run starts one executor process per target: what a process costs here bounds the rate as well.
        processCost.ifPresentOrElse(p -> System.out.printf("  process reference: %d processes (fork and exec of "
                + "true, one after the other) in %.2f s, %.1f ms of CPU each, so one process per target allows at "
                + "most %.0f targets/s on %d cores%n", p.processes(), p.seconds(), p.cpuMillisEach(),
                p.targetsPerSecondAtMost(cores), cores),
                () -> System.out.printf("  process reference: not measured (needs /bin/sh, a true program and "
                        + "/proc)%n"));
        Optional<double[]> executor = executorTime(system);
        executor.ifPresent(e -> System.out.printf(
                "  executor processes (runner, every run above): %.0f started, %.1f s in total, %.2f ms each%n", e[0],
                e[1], e[0] == 0 ? 0 : e[1] * 1000 / e[0]));
        System.out.printf("  peak RSS: %s%n", String.join(", ", system.peakRss().entrySet().stream()
                .map(e -> e.getKey().module() + " " + (e.getValue() / 1024) + " MB").toList()));
    }

    /** {@code [count, seconds]} of the runner's {@code patchflow.runner.execution} timer, from its metrics. */
    private static Optional<double[]> executorTime(PatchflowSystem system) {
        try {
            String metrics = new String(java.net.URI.create(system.service(PatchflowService.PATCH_RUNNER).baseUrl()
                    + "/q/metrics").toURL().openStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            double count = 0;
            double sum = 0;
            for (String line : metrics.split("\n")) {
                if (line.startsWith("patchflow_runner_execution_seconds_count")) {
                    count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("patchflow_runner_execution_seconds_sum")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return Optional.of(new double[]{count, sum});
        } catch (java.io.IOException e) {
            LauncherMain.say("cannot read the runner's metrics: " + e.getMessage());
            return Optional.empty();
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
            awaitWritable(bootstrap, topics);
        }
        ExecutorService pool = Executors.newFixedThreadPool(HOPS + 1);
        AtomicBoolean stop = new AtomicBoolean();
        // Group joins take seconds: the clock starts once every hop and the counter have their partitions, so
        // the figure is the chain's throughput, not its start-up.
        CountDownLatch assigned = new CountDownLatch(HOPS + 1);
        try {
            for (int hop = 0; hop < HOPS; hop++) {
                String from = prefix + hop;
                String to = prefix + (hop + 1);
                pool.submit(() -> passThrough(bootstrap, from, to, stop, assigned));
            }
            Future<Long> last = pool.submit(() -> countUntil(bootstrap, prefix + HOPS, n, assigned));
            if (!assigned.await(60, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("the chain's consumers got no partitions within 60 s");
            }
            byte[] payload = new byte[512];
            java.util.Arrays.fill(payload, (byte) 'x');
            long start = System.nanoTime();
            AtomicReference<Exception> refused = new AtomicReference<>();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                for (int i = 0; i < n; i++) {
                    producer.send(new ProducerRecord<>(prefix + 0, RECORD_KEY_PREFIX + i, payload), (m, e) -> {
                        if (e != null) {
                            refused.compareAndSet(null, e);
                        }
                    });
                }
                producer.flush();
            }
            if (refused.get() != null) {
                throw new IllegalStateException("the broker refused a record of the bare chain: "
                        + refused.get().getMessage(), refused.get());
            }
            long endNanos = last.get();
            return (endNanos - start) / 1e9;
        } finally {
            stop.set(true);
            pool.shutdown();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * The controller names a new partition's leader a moment before that broker acts as its leader: the first
     * produce can fail with NOT_LEADER_OR_FOLLOWER, and an idempotent producer's retry of it was seen here to loop on
     * OUT_OF_ORDER_SEQUENCE_NUMBER for minutes. One acknowledged write per partition before the clock starts (the
     * counter ignores them) makes the timed records meet settled leaders.
     */
    private static void awaitWritable(String bootstrap, List<NewTopic> topics) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (NewTopic topic : topics) {
                for (int partition = 0; partition < topic.numPartitions(); partition++) {
                    while (true) {
                        try {
                            producer.send(new ProducerRecord<>(topic.name(), partition, WARM_UP_KEY, new byte[0]))
                                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
                            break;
                        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException("partition " + partition + " of " + topic.name()
                                        + " accepts no write after 60 s", e);
                            }
                        }
                    }
                }
            }
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

    private static Void passThrough(String bootstrap, String from, String to, AtomicBoolean stop,
            CountDownLatch assigned) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "bench-" + from);
                KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            consumer.subscribe(List.of(from), onAssigned(assigned));
            while (!stop.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<String, byte[]> record : records) {
                    producer.send(new ProducerRecord<>(to, record.key(), record.value()));
                }
                if (!records.isEmpty()) {
                    // At-least-once like the services: the poll's output is acknowledged before its offsets commit.
                    producer.flush();
                    consumer.commitSync();
                }
            }
        }
        return null;
    }

    private static ConsumerRebalanceListener onAssigned(CountDownLatch assigned) {
        return new ConsumerRebalanceListener() {

            @Override
            public void onPartitionsRevoked(java.util.Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(java.util.Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    assigned.countDown();
                }
            }
        };
    }

    private static long countUntil(String bootstrap, String topic, int n, CountDownLatch assigned) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap, "bench-count-" + topic)) {
            consumer.subscribe(List.of(topic), onAssigned(assigned));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < n) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (record.key() != null && record.key().startsWith(RECORD_KEY_PREFIX)) {
                        seen++;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the bare chain delivered " + seen + " of " + n
                            + " records in 10 minutes");
                }
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
