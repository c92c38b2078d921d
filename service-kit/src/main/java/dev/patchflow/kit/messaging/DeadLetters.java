package dev.patchflow.kit.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.Topics;

/**
 * Writes a record that can never be accepted to {@code <topic>.dlq}: the original key, value and headers,
 * unchanged, plus where it came from and why it was refused. Every service shares every DLQ topic of the
 * topics it reads, so the refusing consumer group is named too.
 * <p>
 * One outgoing channel ({@value #CHANNEL}) for every DLQ topic: the topic is set per record.
 */
@ApplicationScoped
public class DeadLetters {

    public static final String CHANNEL = "patchflow-dead-letters";

    public static final String REASON = CloudEventHeaders.DEAD_LETTER_REASON;
    public static final String CONSUMER_GROUP = CloudEventHeaders.DEAD_LETTER_CONSUMER_GROUP;
    public static final String TOPIC = CloudEventHeaders.DEAD_LETTER_TOPIC;
    public static final String PARTITION = CloudEventHeaders.DEAD_LETTER_PARTITION;
    public static final String OFFSET = CloudEventHeaders.DEAD_LETTER_OFFSET;

    private final Emitter<byte[]> emitter;

    @Inject
    public DeadLetters(@Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Sends the record to its DLQ; the future completes when the broker acknowledged it. */
    public CompletableFuture<Void> send(ConsumerRecord<String, byte[]> record, String consumerGroup, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        headers.add(REASON, utf8(reason));
        headers.add(CONSUMER_GROUP, utf8(consumerGroup));
        headers.add(TOPIC, utf8(record.topic()));
        headers.add(PARTITION, utf8(String.valueOf(record.partition())));
        headers.add(OFFSET, utf8(String.valueOf(record.offset())));
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.deadLetter(record.topic()))
                .withKey(record.key())
                .withHeaders(headers)
                .build();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        byte[] value = record.value() == null ? new byte[0] : record.value();
        emitter.send(Message.of(value, Metadata.of(kafka), () -> {
            acked.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            acked.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return acked;
    }

    private static byte[] utf8(String value) {
        return (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
    }
}
