package dev.patchflow.report.support;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Fast component tests: in-memory channels, mongo-java-server, reports kept in memory. */
public class InMemoryProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemoryArchive.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("patchflow.s3.endpoint", "http://127.0.0.1:1", "patchflow.s3.access-key", "unused",
                "patchflow.s3.secret-key", "unused", "quarkus.kafka.health.enabled", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MongoTestResource.class),
                new TestResourceEntry(InMemoryMessagingResource.class),
                new TestResourceEntry(dev.patchflow.localstack.LocalAuthTestResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
