package dev.patchflow.runner.domain;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Every {@link PatchExecutor} bean, by {@link PatchExecutor#name()}. Two executors may not share a name. */
@ApplicationScoped
public class ExecutorRegistry {

    private final Map<String, PatchExecutor> byName = new TreeMap<>();

    @Inject
    public ExecutorRegistry(Instance<PatchExecutor> executors) {
        this(executors.stream().toList());
    }

    public ExecutorRegistry(Collection<PatchExecutor> executors) {
        for (PatchExecutor executor : executors) {
            PatchExecutor previous = byName.putIfAbsent(executor.name(), executor);
            if (previous != null) {
                throw new IllegalStateException("two executors are named '" + executor.name() + "': "
                        + previous.getClass().getName() + " and " + executor.getClass().getName());
            }
        }
    }

    public Optional<PatchExecutor> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<String> names() {
        return new TreeSet<>(byName.keySet());
    }
}
