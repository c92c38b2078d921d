package dev.patchflow.report.domain;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * This replica applied events of some runs: wakes the live streams of those runs at once, instead of at their next
 * timed poll. Only a hint: another replica applies the other partitions' events, which the streams see by polling
 * the view store ({@link RunFeed}).
 */
@ApplicationScoped
public class RunChanges {

    private final Set<Consumer<Collection<String>>> listeners = ConcurrentHashMap.newKeySet();

    /** Calls {@code listener} with the ids of the runs changed, until the returned handle is closed. */
    public AutoCloseable listen(Consumer<Collection<String>> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The views of these runs changed (called after the projector's writes). */
    public void changed(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return;
        }
        for (Consumer<Collection<String>> listener : listeners) {
            listener.accept(runIds);
        }
    }

    int listeners() {
        return listeners.size();
    }
}
