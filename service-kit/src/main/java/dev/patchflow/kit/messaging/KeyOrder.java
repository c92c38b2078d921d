package dev.patchflow.kit.messaging;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Key-ordered parallelism inside one batch: events of different keys run concurrently on a bounded pool, the
 * events of one key one after another in record order (what Kafka's partitioning promises, kept within the
 * batch). Results come back in the batch's order.
 */
public final class KeyOrder {

    private KeyOrder() {
    }

    /**
     * Applies {@code work} to every event. Waits for all of them; if any threw, rethrows the first failure (the
     * batch is then retried as a whole, so {@code work} must be idempotent).
     */
    public static <R> List<R> map(List<IncomingEvent> events, ExecutorService pool, Function<IncomingEvent, R> work)
            throws Exception {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int i = 0; i < events.size(); i++) {
            byKey.computeIfAbsent(events.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        List<R> results = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            results.add(null);
        }
        if (byKey.size() == 1) {
            for (int i = 0; i < events.size(); i++) {
                results.set(i, work.apply(events.get(i)));
            }
            return results;
        }
        List<Future<?>> running = new ArrayList<>(byKey.size());
        for (List<Integer> indexes : byKey.values()) {
            running.add(pool.submit(() -> {
                for (int i : indexes) {
                    R result = work.apply(events.get(i));
                    synchronized (results) {
                        results.set(i, result);
                    }
                }
            }));
        }
        awaitAll(running);
        synchronized (results) {
            return new ArrayList<>(results);
        }
    }

    /**
     * Hands the events to {@code work} in at most {@code chunks} lists taken in concurrently, for a handler that
     * writes a whole list in bulk: a key's events stay in one list, in record order (a later copy is a redelivery
     * of the first). Waits for all; if any threw, rethrows the first failure (the batch is then retried as a
     * whole, so {@code work} must be idempotent).
     */
    public static void inChunks(List<IncomingEvent> events, int chunks, ExecutorService pool,
            Consumer<List<IncomingEvent>> work) throws Exception {
        Map<Integer, List<IncomingEvent>> byChunk = new TreeMap<>();
        for (IncomingEvent event : events) {
            byChunk.computeIfAbsent(Math.floorMod(Objects.hashCode(event.key()), chunks), k -> new ArrayList<>())
                    .add(event);
        }
        if (byChunk.size() == 1) {
            work.accept(byChunk.values().iterator().next());
            return;
        }
        List<Future<?>> running = new ArrayList<>(byChunk.size());
        for (List<IncomingEvent> chunk : byChunk.values()) {
            running.add(pool.submit(() -> work.accept(chunk)));
        }
        awaitAll(running);
    }

    /** Waits for every task; rethrows the first failure once all have ended. */
    private static void awaitAll(List<Future<?>> running) throws Exception {
        Exception first = null;
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
