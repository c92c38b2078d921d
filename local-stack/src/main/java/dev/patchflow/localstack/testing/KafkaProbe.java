package dev.patchflow.localstack.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A neighbour on the real broker, for tests: produces raw records and reads one topic from the beginning with
 * assigned partitions (no consumer group, so it never takes records away from the service under test).
 */
public final class KafkaProbe implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    public KafkaProbe(String bootstrapServers, String topic) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                new StringDeserializer(), new ByteArrayDeserializer());
        // The topic may not exist yet (a dead-letter topic is created by its first record).
        await().atMost(WAIT).until(() -> !consumer.partitionsFor(topic).isEmpty());
        List<TopicPartition> partitions = consumer.partitionsFor(topic)
                .stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    public void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + record.topic(), e);
        }
    }

    /** All records with this key, once at least {@code count} of them arrived. */
    public List<ConsumerRecord<String, byte[]>> awaitKey(String key, int count) {
        return awaitMatching(r -> key.equals(r.key()), count);
    }

    /** All matching records, once at least {@code count} of them arrived. */
    public List<ConsumerRecord<String, byte[]>> awaitMatching(Predicate<ConsumerRecord<String, byte[]>> match,
            int count) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            poll();
            return matching(match).size() >= count;
        });
        return matching(match);
    }

    /** The first matching record, once it arrived. */
    public ConsumerRecord<String, byte[]> awaitFirst(Predicate<ConsumerRecord<String, byte[]>> match) {
        return awaitMatching(match, 1).get(0);
    }

    /** Keeps reading for {@code quiet}, then returns every record with this key. */
    public List<ConsumerRecord<String, byte[]>> keyAfter(String key, Duration quiet) {
        await().pollDelay(quiet).atMost(quiet.plusSeconds(10)).until(() -> {
            poll();
            return true;
        });
        poll();
        return matching(r -> key.equals(r.key()));
    }

    public Optional<ConsumerRecord<String, byte[]>> first(String key) {
        poll();
        return matching(r -> key.equals(r.key())).stream().findFirst();
    }

    /** Everything read so far. */
    public synchronized List<ConsumerRecord<String, byte[]>> seen() {
        poll();
        return List.copyOf(seen);
    }

    private synchronized void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
    }

    private synchronized List<ConsumerRecord<String, byte[]>> matching(Predicate<ConsumerRecord<String, byte[]>> m) {
        return seen.stream().filter(m).toList();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
