package dev.patchflow.runner.adapters.kubernetes;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTestProfile;

import dev.patchflow.localstack.EmbeddedKubernetesTestResource;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.localstack.testing.MongoServerResource;
import dev.patchflow.runner.support.InMemoryMessagingResource;
import dev.patchflow.runner.support.InMemoryOutputStore;

/** In-memory channels, mongo-java-server, S3 replaced, the Kubernetes API stand-in with context {@code test}. */
public class KubernetesProfile implements QuarkusTestProfile {

    @Override
    public Set<Class<?>> getEnabledAlternatives() {
        return Set.of(InMemoryOutputStore.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("patchflow.runner.poll-interval", "200ms", "patchflow.runner.k8s-job.poll-interval", "100ms");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(MongoServerResource.class),
                new TestResourceEntry(InMemoryMessagingResource.class),
                new TestResourceEntry(LocalAuthTestResource.class),
                new TestResourceEntry(EmbeddedKubernetesTestResource.class,
                        Map.of("context", "test", "namespaces", "apps,rules")));
    }
}
