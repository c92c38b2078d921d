package dev.patchflow.report.support;

import java.net.InetSocketAddress;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/** mongo-java-server on a random loopback port, with a client connected to it. */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final String connectionString;
    private MongoClient client;

    public EmbeddedMongo() {
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        connectionString = "mongodb://127.0.0.1:" + address.getPort();
    }

    public String connectionString() {
        return connectionString;
    }

    public synchronized MongoClient client() {
        if (client == null) {
            client = MongoClients.create(connectionString);
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.shutdownNow();
    }
}
