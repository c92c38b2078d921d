package dev.patchflow.localstack.testing;

import java.net.InetSocketAddress;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.patchflow.localstack.IdLookupBackends;

import de.bwaldvogel.mongo.MongoServer;

/** mongo-java-server in memory on a free loopback port, for a service's fast component tests. */
public class MongoServerResource implements QuarkusTestResourceLifecycleManager {

    private MongoServer server;

    @Override
    public Map<String, String> start() {
        server = new MongoServer(IdLookupBackends.inMemory());
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
