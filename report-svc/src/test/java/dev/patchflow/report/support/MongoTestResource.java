package dev.patchflow.report.support;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** For fast {@code @QuarkusTest}s: an in-memory MongoDB-wire server instead of the local stack. */
public class MongoTestResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedMongo mongo;

    @Override
    public Map<String, String> start() {
        mongo = new EmbeddedMongo();
        return Map.of("quarkus.mongodb.connection-string", mongo.connectionString());
    }

    @Override
    public void stop() {
        if (mongo != null) {
            mongo.close();
        }
    }
}
