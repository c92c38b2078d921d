package dev.patchflow.patchctl.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.Topics;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * Publishes one {@link PatchRequested} to {@code patchflow.requests} and waits for the broker's ack.
 * A plain producer, not SmallRye: a CLI sends one record and exits, and the launcher can use this
 * class without a Quarkus runtime. Every wait is bounded, so a missing broker fails in about
 * {@code timeout} instead of hanging.
 */
public final class RequestPublisher implements AutoCloseable {

    /** {@code ce_source} of everything patchctl publishes. */
    public static final String SOURCE = "/patchflow/patchctl";

    private final String bootstrapServers;
    private final Duration timeout;
    private final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    public RequestPublisher(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "patchctl");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int millis = (int) Math.max(1000, timeout.toMillis());
        // max.block.ms bounds the metadata wait (the usual hang when nobody listens);
        // delivery.timeout.ms bounds the send itself and must cover request.timeout.ms + linger.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try {
            this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            // e.g. a bootstrap address that does not resolve
            throw new KafkaUnreachableException(bootstrapServers,
                    "Kafka not reachable at " + bootstrapServers + ": " + rootMessage(e), e);
        }
    }

    /** Sends the request and returns once the broker has acknowledged it. */
    public RecordMetadata publish(PatchRequested request) {
        CloudEvent<PatchRequested> event = CloudEvent.of(SOURCE, request);
        try {
            return producer.send(codec.toRecord(event)).get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnreachableException(bootstrapServers, "interrupted while publishing to " + bootstrapServers,
                    e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaUnreachableException(bootstrapServers, describe(cause, request.runId()), cause);
        }
    }

    /**
     * Kafka reports "not present in metadata" both when no broker answers and when the topic is
     * missing; the producer's connection count tells the two apart.
     */
    private String describe(Throwable cause, String runId) {
        if (connectionsCreated() == 0) {
            // Kafka's own message ("topic not present in metadata") would send the reader astray.
            return "Kafka not reachable at " + bootstrapServers + " (no broker answered within "
                    + timeout.toSeconds() + "s)";
        }
        return "Kafka at " + bootstrapServers + " did not acknowledge the request on topic "
                + Topics.REQUESTS + " within " + timeout.toSeconds()
                + "s (does the topic exist?): " + rootMessage(cause)
                // The record may still have been written. The event id is derived from the run id, so
                // sending again with the same run id is recognised downstream as the same request.
                + "; publishing again with the same run id (" + runId + ") is safe";
    }

    private double connectionsCreated() {
        for (Map.Entry<MetricName, ? extends Metric> entry : producer.metrics().entrySet()) {
            MetricName name = entry.getKey();
            if ("producer-metrics".equals(name.group()) && "connection-creation-total".equals(name.name())) {
                Object value = entry.getValue().metricValue();
                return value instanceof Number number ? number.doubleValue() : 0;
            }
        }
        return 0;
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
        // Nothing is left in flight after publish() returns or fails; do not linger on exit.
        producer.close(Duration.ofSeconds(1));
    }
}
