package dev.patchflow.report.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The counts of runs in progress, which are counted from their target views (one pass over a run's views; a
 * completed run's counts are frozen in its run view). A count is reused for ten times as long as it took, so
 * a 100,000-target run watched by many dashboards and pollers is counted at most about a tenth of the time,
 * while a small run, counted in milliseconds, is counted afresh on every request.
 */
final class RunningCounts {

    /** A count may be reused for this many times the time it took. */
    static final int REUSE_FACTOR = 10;
    /** More entries than this (runs in progress) and the cache starts over. */
    private static final int MAX_ENTRIES = 1000;

    private record Counted(ViewCounts counts, long countedAt, long took) {
    }

    private final Map<String, Counted> counted = new ConcurrentHashMap<>();
    private final int reuseFactor;

    RunningCounts() {
        this(REUSE_FACTOR);
    }

    /** {@code reuseFactor} 0: every request counts afresh (tests that count what each request reads). */
    RunningCounts(int reuseFactor) {
        this.reuseFactor = reuseFactor;
    }

    ViewCounts get(String runId, Supplier<ViewCounts> count) {
        long now = System.nanoTime();
        Counted last = counted.get(runId);
        if (last != null && now - last.countedAt() < last.took() * reuseFactor) {
            return last.counts();
        }
        ViewCounts counts = count.get();
        long done = System.nanoTime();
        if (counted.size() >= MAX_ENTRIES) {
            counted.clear();
        }
        counted.put(runId, new Counted(counts, done, done - now));
        return counts;
    }

    /** The run's counts are frozen now. */
    void forget(String runId) {
        counted.remove(runId);
    }
}
