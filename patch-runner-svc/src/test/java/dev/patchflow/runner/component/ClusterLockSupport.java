package dev.patchflow.runner.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.reactive.messaging.Message;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemorySink;

import dev.patchflow.runner.support.Records;
import dev.patchflow.runner.support.ScriptedExecutor;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchSpec;

/** Shared by the lock component tests: scripted patches and the outcomes that come out, in emission order. */
final class ClusterLockSupport {

    static final Duration WAIT = Duration.ofSeconds(60);

    private ClusterLockSupport() {
    }

    static String newRunId() {
        return "run-" + UUID.randomUUID();
    }

    static PatchSpec scripted(long holdMillis) {
        return new PatchSpec("demo-db", "5.0." + UUID.randomUUID(), ScriptedExecutor.NAME, List.of(), null,
                Map.of("holdMillis", Long.toString(holdMillis)));
    }

    /** Outcome events for {@code runTargetIds}, in the order the runner emitted them; waits for all of them. */
    static List<CloudEvent<?>> awaitOutcomes(InMemorySink<byte[]> sink, String... runTargetIds) {
        List<String> wanted = List.of(runTargetIds);
        await().atMost(WAIT).until(() -> sink.received().stream().map(ClusterLockSupport::key)
                .filter(wanted::contains).distinct().count() == wanted.size());
        return sink.received().stream().filter(m -> wanted.contains(key(m))).map(ClusterLockSupport::decode)
                .toList();
    }

    private static String key(Message<byte[]> message) {
        return message.getMetadata(OutgoingKafkaRecordMetadata.class).map(md -> String.valueOf(md.getKey()))
                .orElse("");
    }

    private static CloudEvent<?> decode(Message<byte[]> message) {
        OutgoingKafkaRecordMetadata<?> metadata = message.getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow();
        CloudEvent<?> event = Records.CODEC.decode(EventCodec.headerMap(metadata.getHeaders()), message.getPayload());
        assertThat(metadata.getKey()).isEqualTo(event.key());
        return event;
    }
}
