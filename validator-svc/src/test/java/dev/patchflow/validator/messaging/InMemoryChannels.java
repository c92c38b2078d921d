package dev.patchflow.validator.messaging;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.schemas.Topics;

/** Puts both channels on the in-memory connector: fast component tests of the service's rules, no broker. */
public class InMemoryChannels implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        // Not InMemoryConnector.switch*ChannelsToInMemory: it writes the channel name unquoted, and a
        // dotted channel name (patchflow.patches) then reads as a channel called "patchflow".
        Map<String, String> properties = new HashMap<>();
        properties.put("mp.messaging.incoming.\"" + Topics.PATCHES + "\".connector", InMemoryConnector.CONNECTOR);
        properties.put("mp.messaging.outgoing.\"" + Topics.VALIDATIONS + "\".connector", InMemoryConnector.CONNECTOR);
        properties.put("mp.messaging.outgoing." + DeadLetters.CHANNEL + ".connector", InMemoryConnector.CONNECTOR);
        return properties;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
