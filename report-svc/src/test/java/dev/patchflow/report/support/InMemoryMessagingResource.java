package dev.patchflow.report.support;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.report.messaging.EventPublisher;
import dev.patchflow.schemas.Topics;

/** Every channel of the service on the SmallRye in-memory connector (no broker). */
public class InMemoryMessagingResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> props = new HashMap<>();
        // Channel names contain dots, so the keys are quoted (InMemoryConnector's helpers do not quote).
        for (String topic : Topics.STAGES) {
            props.put("mp.messaging.incoming.\"" + topic + "\".connector", InMemoryConnector.CONNECTOR);
        }
        props.put("mp.messaging.outgoing." + EventPublisher.CHANNEL + ".connector", InMemoryConnector.CONNECTOR);
        props.put("mp.messaging.outgoing." + DeadLetters.CHANNEL + ".connector", InMemoryConnector.CONNECTOR);
        return props;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
    }
}
