package dev.patchflow.localstack;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The smallest Quarkus application that uses a channel: whatever {@code LocalStackQuarkusTest} emits to the topic comes
 * back here through the real broker.
 */
@ApplicationScoped
public class KafkaEcho {

    static final String TOPIC = "localstack.quarkus-test";

    private final List<String> received = new CopyOnWriteArrayList<>();

    @Incoming("from-kafka")
    void receive(String value) {
        received.add(value);
    }

    List<String> received() {
        return received;
    }
}
