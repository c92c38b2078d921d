package dev.patchflow.runner.support;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;

/**
 * A test executor named {@code scripted}, driven by {@code patch.parameters}: {@code holdMillis} (how long one
 * target takes), {@code exitCode} (non-zero fails), {@code exitCode.<targetId>} (per target), and
 * {@code gated=true}: each target runs until the test calls {@link #finish} for it (per-target duration and
 * outcome under test control). It counts invocations per target, records the start order and step-downs, and
 * measures how many targets of each run it executes at once.
 */
@ApplicationScoped
public class ScriptedExecutor implements PatchExecutor {

    public static final String NAME = "scripted";

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    private final Map<String, Boolean> dryRuns = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Integer>> gates = new ConcurrentHashMap<>();
    private final Map<String, List<String>> startOrder = new ConcurrentHashMap<>();
    private final Map<String, List<String>> stepDowns = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> running = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        String runId = request.run().runId();
        invocations.computeIfAbsent(runId + "/" + request.target().id(), k -> new AtomicInteger()).incrementAndGet();
        dryRuns.put(runId + "/" + request.target().id(), request.dryRun());
        int now = inFlight.computeIfAbsent(runId, k -> new AtomicInteger()).incrementAndGet();
        maxInFlight.computeIfAbsent(runId, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        startOrder.computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>()).add(request.target().id());
        running.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(request.target().id());
        try {
            if (Boolean.parseBoolean(request.patch().parameters().get("throwError." + request.target().id()))) {
                // What a worker out of memory throws: an Error, which no executor catches by accident.
                throw new OutOfMemoryError("Java heap space (scripted for " + request.target().id() + ")");
            }
            if (Boolean.parseBoolean(request.patch().parameters().getOrDefault("gated", "false"))) {
                int exitCode = gate(runId, request.target().id()).get(60, TimeUnit.SECONDS);
                Files.writeString(request.output(), "scripted " + request.target().id() + "\n");
                return exitCode == 0
                        ? ExecutionResult.success(0, Duration.ZERO, Map.of())
                        : ExecutionResult.failure("scripted failure " + exitCode, exitCode, Duration.ZERO, Map.of());
            }
            long hold = Long.parseLong(request.patch().parameters().getOrDefault("holdMillis", "0"));
            if (hold > 0) {
                // Simulates a target that takes a while, so that overlapping executions can be observed.
                Thread.sleep(hold);
            }
            Files.writeString(request.output(), "scripted " + request.target().id() + "\n");
            int exitCode = Integer.parseInt(request.patch().parameters().getOrDefault(
                    "exitCode." + request.target().id(), request.patch().parameters().getOrDefault("exitCode", "0")));
            return exitCode == 0
                    ? ExecutionResult.success(0, Duration.ofMillis(hold), Map.of())
                    : ExecutionResult.failure("scripted failure " + exitCode, exitCode, Duration.ofMillis(hold),
                            Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            running.get(runId).remove(request.target().id());
            inFlight.get(runId).decrementAndGet();
        }
    }

    @Override
    public String stepDown(ExecutionRequest request) {
        stepDowns.computeIfAbsent(request.run().runId(), k -> new CopyOnWriteArrayList<>()).add(request.target().id());
        return request.patch().parameters().get("stepDownFailure." + request.target().id());
    }

    private CompletableFuture<Integer> gate(String runId, String targetId) {
        return gates.computeIfAbsent(runId + "/" + targetId, k -> new CompletableFuture<>());
    }

    /** Ends a gated execution with {@code exitCode} (also before it started: it then ends at once). */
    public void finish(String runId, String targetId, int exitCode) {
        gate(runId, targetId).complete(exitCode);
    }

    /** Targets of the run in the order the executor started them. */
    public List<String> started(String runId) {
        return List.copyOf(startOrder.getOrDefault(runId, List.of()));
    }

    /** Targets of the run executing right now. */
    public Set<String> running(String runId) {
        return Set.copyOf(running.getOrDefault(runId, Set.of()));
    }

    public List<String> stepDowns(String runId) {
        return List.copyOf(stepDowns.getOrDefault(runId, List.of()));
    }

    public int maxInFlight(String runId) {
        AtomicInteger max = maxInFlight.get(runId);
        return max == null ? 0 : max.get();
    }

    public int invocations(String runId, String targetId) {
        AtomicInteger count = invocations.get(runId + "/" + targetId);
        return count == null ? 0 : count.get();
    }

    public Boolean sawDryRun(String runId, String targetId) {
        return dryRuns.get(runId + "/" + targetId);
    }
}
