package dev.patchflow.runner.support;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchflowEvent;

/** Kafka records as the upstream services produce them, through the contract's codec. */
public final class Records {

    public static final EventCodec CODEC = new EventCodec();

    private Records() {
    }

    /**
     * The event ids of these records, in order: a re-sent outcome carries the id of the first (at-least-once on the
     * wire), a second, different outcome another one.
     */
    public static List<String> eventIds(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(record -> CODEC.decode(record).id()).toList();
    }

    public static ProducerRecord<String, byte[]> producerRecord(String source, PatchflowEvent event) {
        return CODEC.toRecord(CloudEvent.of(source, event));
    }

    /** What the consumer would get for that record. */
    public static ConsumerRecord<String, byte[]> consumerRecord(String source, PatchflowEvent event) {
        return consumerRecord(producerRecord(source, event));
    }

    /** A batch of that one record, as a batch channel delivers it. */
    public static ConsumerRecords<String, byte[]> batch(String source, PatchflowEvent event) {
        return Batches.of(consumerRecord(source, event));
    }

    public static ConsumerRecord<String, byte[]> consumerRecord(ProducerRecord<String, byte[]> record) {
        return new ConsumerRecord<>(record.topic(), 0, 0L, System.currentTimeMillis(), TimestampType.CREATE_TIME,
                -1, -1, record.key(), record.value(), new RecordHeaders(record.headers().toArray()),
                Optional.empty());
    }

    public static ConsumerRecord<String, byte[]> rawConsumerRecord(String topic, String key,
            Map<String, String> headers,
            String body) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((k, v) -> kafkaHeaders.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(topic, 0, 0L, System.currentTimeMillis(), TimestampType.CREATE_TIME, -1, -1, key,
                body.getBytes(StandardCharsets.UTF_8), kafkaHeaders, Optional.empty());
    }
}
