package dev.patchflow.localstack;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;

/**
 * mongo-java-server on loopback: H2 MVStore file for the local run, memory for tests; both look documents up by
 * {@code _id} as MongoDB does ({@link IdLookupBackends}).
 */
final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final int port;

    private EmbeddedMongo(MongoServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param file the MVStore file, or {@code null} for an in-memory backend */
    static EmbeddedMongo start(Path file, int port) {
        MongoBackend backend = file == null ? IdLookupBackends.inMemory() : IdLookupBackends.file(file);
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(LocalStack.HOST, port);
        } catch (RuntimeException e) {
            backend.close();
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException(Ports.inUse("Mongo", port), e);
            }
            throw e;
        }
        return new EmbeddedMongo(server, server.getLocalAddress().getPort());
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c) || (c instanceof IOException && String.valueOf(c.getMessage()).contains("in use"))) {
                return true;
            }
        }
        return false;
    }

    String connectionString() {
        return "mongodb://" + LocalStack.HOST + ":" + port;
    }

    @Override
    public void close() {
        // Also closes the backend, i.e. the MVStore: the file is complete and consistent for the next start.
        server.shutdownNow();
    }
}
