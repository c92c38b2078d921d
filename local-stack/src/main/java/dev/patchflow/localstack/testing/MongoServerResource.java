package dev.patchflow.localstack.testing;

import java.net.InetSocketAddress;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** mongo-java-server in memory on a free loopback port, for a service's fast component tests. */
public class MongoServerResource implements QuarkusTestResourceLifecycleManager {

    private MongoServer server;

    @Override
    public Map<String, String> start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        return Map.of("quarkus.mongodb.connection-string",
                "mongodb://" + address.getHostString() + ":" + address.getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }
}
