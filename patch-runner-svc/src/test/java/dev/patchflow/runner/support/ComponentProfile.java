package dev.patchflow.runner.support;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.patchflow.localstack.testing.MongoServerResource;

/** In-memory channels, mongo-java-server, S3 replaced: the runner's own logic, fast. */
public class ComponentProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemoryOutputStore.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("patchflow.runner.poll-interval", "200ms", "patchflow.runner.busy-retry", "300ms",
                "patchflow.runner.workers", "16");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MongoServerResource.class),
                new TestResourceEntry(InMemoryMessagingResource.class),
                new TestResourceEntry(dev.patchflow.localstack.LocalAuthTestResource.class));
    }
}
