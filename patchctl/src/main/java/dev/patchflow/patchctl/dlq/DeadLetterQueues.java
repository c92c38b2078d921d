package dev.patchflow.patchctl.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.patchflow.patchctl.kafka.KafkaUnreachableException;
import dev.patchflow.schemas.Topics;

/**
 * Reads dead-letter topics and re-publishes their records. Reading disturbs nothing: the consumer has no group id,
 * assigns the partitions itself, reads from the beginning up to the end offsets it saw when it started, and
 * commits nothing. Every wait is bounded by the timeout, so a missing broker fails with the address, not a hang.
 */
public final class DeadLetterQueues implements AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private final KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;

    public DeadLetterQueues(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "patchctl-dlq");
        // No group: nothing is committed and no consumer group is joined or rebalanced.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        int millis = (int) Math.max(1000, timeout.toMillis());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try {
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw unreachable("Kafka not reachable at " + bootstrapServers + ": " + rootMessage(e), e);
        }
    }

    /** The DLQ topic of {@code topic}: a stage topic ({@code patchflow.scans}) or already a DLQ's name. */
    public static String dlqOf(String topic) {
        return topic.endsWith(Topics.DEAD_LETTER_SUFFIX) ? topic : Topics.deadLetter(topic);
    }

    /** Every dead-letter topic the broker has, sorted. */
    public List<String> dlqTopics() {
        Map<String, List<PartitionInfo>> topics = listTopics();
        return topics.keySet().stream().filter(t -> t.endsWith(Topics.DEAD_LETTER_SUFFIX)).sorted().toList();
    }

    /** Does the broker have this topic? */
    public boolean exists(String topic) {
        return listTopics().containsKey(topic);
    }

    /** Every record of a DLQ topic, in partition then offset order (empty if the topic does not exist). */
    public List<DeadLetter> read(String dlqTopic) {
        List<PartitionInfo> partitions = listTopics().get(dlqTopic);
        if (partitions == null || partitions.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(dlqTopic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
        try {
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned, timeout));
            List<DeadLetter> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(5);
            while (!reachedEnd(end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                        records.add(new DeadLetter(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(),
                                List.of(r.headers().toArray()), r.value()));
                    }
                }
            }
            if (!reachedEnd(end)) {
                throw unreachable("Kafka at " + bootstrapServers + " did not deliver all of " + dlqTopic + " within "
                        + timeout.toSeconds() + "s", null);
            }
            consumer.unsubscribe();
            records.sort(Comparator.comparingInt(DeadLetter::partition).thenComparingLong(DeadLetter::offset));
            return records;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable("Kafka at " + bootstrapServers + " did not answer for " + dlqTopic + " within "
                    + timeout.toSeconds() + "s: " + rootMessage(e), e);
        }
    }

    private boolean reachedEnd(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Publishes the record again to its original topic with its original key, headers (the dead-letter ones left
     * off) and body, and waits for the broker's ack.
     */
    public RecordMetadata redrive(DeadLetter record) {
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(record.originalTopic(), null, record.key(),
                record.value(), record.originalHeaders());
        try {
            return producer().send(out).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("interrupted while re-driving to " + record.originalTopic(), e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw unreachable("Kafka at " + bootstrapServers + " did not acknowledge the re-drive of " + record
                    .dlqTopic() + " " + record.ref() + " to " + record.originalTopic() + " within "
                    + timeout.toSeconds() + "s: " + rootMessage(cause), cause);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "patchctl-dlq-redrive");
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            int millis = (int) Math.max(1000, timeout.toMillis());
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
            config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private Map<String, List<PartitionInfo>> listTopics() {
        try {
            return consumer.listTopics(timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable("Kafka not reachable at " + bootstrapServers + " (no broker answered within "
                    + timeout.toSeconds() + "s)", e);
        } catch (KafkaException e) {
            throw unreachable("Kafka not reachable at " + bootstrapServers + ": " + rootMessage(e), e);
        }
    }

    private KafkaUnreachableException unreachable(String message, Throwable cause) {
        return new KafkaUnreachableException(bootstrapServers, message, cause);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(1));
        if (producer != null) {
            producer.close(Duration.ofSeconds(1));
        }
    }
}
