package dev.patchflow.runner.support;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.PatchExecutor;

/**
 * A test executor named {@code scripted}, driven by {@code patch.parameters}: {@code holdMillis} (how long one
 * target takes), {@code exitCode} (non-zero fails). It counts invocations per target and measures how many targets
 * of each run it executes at once.
 */
@ApplicationScoped
public class ScriptedExecutor implements PatchExecutor {

    public static final String NAME = "scripted";

    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();
    private final Map<String, Boolean> dryRuns = new ConcurrentHashMap<>();

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
        try {
            long hold = Long.parseLong(request.patch().parameters().getOrDefault("holdMillis", "0"));
            if (hold > 0) {
                // Simulates a target that takes a while, so that overlapping executions can be observed.
                Thread.sleep(hold);
            }
            Files.writeString(request.output(), "scripted " + request.target().id() + "\n");
            int exitCode = Integer.parseInt(request.patch().parameters().getOrDefault("exitCode", "0"));
            return exitCode == 0
                    ? ExecutionResult.success(0, Duration.ofMillis(hold), Map.of())
                    : ExecutionResult.failure("scripted failure " + exitCode, exitCode, Duration.ofMillis(hold),
                            Map.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            inFlight.get(runId).decrementAndGet();
        }
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
