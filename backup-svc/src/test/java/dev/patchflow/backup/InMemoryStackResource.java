package dev.patchflow.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.DeadLetters;
import dev.patchflow.schemas.Topics;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * Fast component tests: both channels on the in-memory connector, a MongoDB wire server on a random
 * port, and an S3 endpoint on a port nobody listens on (so that the "S3 unreachable" path is real).
 */
public class InMemoryStackResource implements QuarkusTestResourceLifecycleManager {

    private MongoServer mongo;

    @Override
    public Map<String, String> start() {
        Map<String, String> properties = new HashMap<>();
        // Channel names contain dots, so the keys are quoted (InMemoryConnector.switch* does not quote).
        properties.put("mp.messaging.incoming.\"" + Topics.SCANS + "\".connector", InMemoryConnector.CONNECTOR);
        properties.put("mp.messaging.outgoing.\"" + Topics.BACKUPS + "\".connector", InMemoryConnector.CONNECTOR);
        properties.put("mp.messaging.outgoing." + DeadLetters.CHANNEL + ".connector", InMemoryConnector.CONNECTOR);
        mongo = new MongoServer(new MemoryBackend());
        InetSocketAddress address = mongo.bind();
        properties.put("quarkus.mongodb.connection-string",
                "mongodb://" + address.getHostString() + ":" + address.getPort());
        properties.put("patchflow.s3.endpoint", unreachableS3Endpoint());
        properties.put("patchflow.s3.access-key", "test");
        properties.put("patchflow.s3.secret-key", "test-secret");
        return properties;
    }

    @Override
    public void stop() {
        InMemoryConnector.clear();
        if (mongo != null) {
            mongo.shutdown();
        }
    }

    /** A loopback port that was free a moment ago: connections to it are refused. */
    public static String unreachableS3Endpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
