package dev.patchflow.runner.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.schemas.Topics;

/** Swaps the Kafka channels for SmallRye's in-memory connector (fast tests; Kafka behaviour is in the ITs). */
public class InMemoryMessagingResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        // Written by hand: InMemoryConnector.switch*ChannelsToInMemory does not quote channel names, and
        // ours (= topic names) contain dots.
        Map<String, String> properties = new HashMap<>();
        for (String channel : new String[]{Topics.BACKUPS, Topics.SCANS, Topics.VALIDATIONS}) {
            properties.put("mp.messaging.incoming.\"" + channel + "\".connector", InMemoryConnector.CONNECTOR);
        }
        for (String channel : new String[]{Topics.PATCHES, Topics.RUNS, DeadLetters.CHANNEL}) {
            properties.put("mp.messaging.outgoing.\"" + channel + "\".connector", InMemoryConnector.CONNECTOR);
        }
        return properties;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
