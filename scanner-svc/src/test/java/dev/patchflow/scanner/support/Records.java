package dev.patchflow.scanner.support;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchflowEvent;

/** Kafka records as producers other than the scanner would write them. */
public final class Records {

    public static final String REQUESTER = "/patchflow/patchctl";
    private static final EventCodec CODEC = new EventCodec();

    private Records() {
    }

    public static ProducerRecord<String, byte[]> produced(PatchflowEvent event) {
        return CODEC.toRecord(CloudEvent.of(REQUESTER, event));
    }

    /** The record as the incoming channel would receive it from the broker. */
    public static ConsumerRecord<String, byte[]> consumed(PatchflowEvent event) {
        ProducerRecord<String, byte[]> record = produced(event);
        return consumed(record.topic(), record.key(), record.value(), headersOf(record));
    }

    public static ConsumerRecord<String, byte[]> consumed(String topic, String key, byte[] value,
            Map<String, String> headers) {
        RecordHeaders kafkaHeaders = new RecordHeaders();
        headers.forEach((name, v) -> kafkaHeaders.add(name, v.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(topic, 0, 0L, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE, -1, -1,
                key, value, kafkaHeaders, Optional.empty());
    }

    public static Map<String, String> headersOf(ProducerRecord<?, ?> record) {
        return EventCodec.headerMap(record.headers());
    }
}
