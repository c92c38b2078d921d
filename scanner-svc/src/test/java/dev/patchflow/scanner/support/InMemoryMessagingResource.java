package dev.patchflow.scanner.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.scanner.messaging.EventPublisher;
import dev.patchflow.schemas.Topics;

/** Swaps the Kafka channels for SmallRye's in-memory connector (fast tests; Kafka behaviour is in the ITs). */
public class InMemoryMessagingResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        // Written by hand: InMemoryConnector.switch*ChannelsToInMemory does not quote channel names, and
        // ours (= topic names) contain dots.
        return Map.of("mp.messaging.incoming.\"" + Topics.REQUESTS + "\".connector", InMemoryConnector.CONNECTOR,
                "mp.messaging.outgoing.\"" + Topics.SCANS + "\".connector", InMemoryConnector.CONNECTOR,
                "mp.messaging.outgoing." + EventPublisher.REQUESTS_CHANNEL + ".connector", InMemoryConnector.CONNECTOR,
                "mp.messaging.outgoing." + DeadLetters.CHANNEL + ".connector", InMemoryConnector.CONNECTOR);
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
