package dev.patchflow.kit.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/** Between Kafka's {@link ConsumerRecords} (what a batch channel delivers) and a list in poll order. */
public final class Batches {

    private Batches() {
    }

    public static List<ConsumerRecord<String, byte[]>> list(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(records.count());
        records.forEach(list::add);
        return list;
    }

    /** A batch of the given records, as a batch channel would deliver them (tests, tools). */
    @SafeVarargs
    public static ConsumerRecords<String, byte[]> of(ConsumerRecord<String, byte[]>... records) {
        Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new java.util.LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), p -> new ArrayList<>()).add(r);
        }
        return new ConsumerRecords<>(byPartition, Map.of());
    }
}
