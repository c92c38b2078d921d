package dev.patchflow.report.domain;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * The counts of runs in progress, which are counted from their target views (one pass over a run's views; a
 * completed run's counts are frozen in its run view). A count is reused for ten times as long as it took, so
 * a 100,000-target run watched by many dashboards and pollers is counted at most about a tenth of the time,
 * while a small run, counted in milliseconds, is counted afresh on every request.
 * <p>
 * Once a count that took {@value #RECOUNT_IN_BACKGROUND_FROM_MILLIS} ms or more is past its reuse, the next request
 * still gets it and the run is counted again in the background: a 100,000-target run's count takes a second or
 * more, and every report, run page or API request that came after the reuse had run out waited that long before its
 * first byte. Its counts are then at most one count older than they would have been.
 */
final class RunningCounts {

    private static final Logger LOG = Logger.getLogger(RunningCounts.class);

    /** A count may be reused for this many times the time it took. */
    static final int REUSE_FACTOR = 10;
    /** A count that took this long is made again in the background, not while a request waits. */
    static final long RECOUNT_IN_BACKGROUND_FROM_MILLIS = 100;
    /** More entries than this (runs in progress) and the cache starts over. */
    private static final int MAX_ENTRIES = 1000;

    private record Counted(ViewCounts counts, long countedAt, long took) {
    }

    private final Map<String, Counted> counted = new ConcurrentHashMap<>();
    /** Runs being counted in the background: one recount per run at a time. */
    private final Set<String> recounting = ConcurrentHashMap.newKeySet();
    private final int reuseFactor;
    private final LongSupplier nanoTime;
    private final Executor background;

    RunningCounts() {
        this(REUSE_FACTOR, System::nanoTime, Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "running-counts");
            thread.setDaemon(true);
            return thread;
        }));
    }

    /**
     * {@code reuseFactor} 0: every request counts afresh, never in the background (tests that count what each
     * request reads); {@code nanoTime} the clock a count's age and duration are measured on; {@code background}
     * where a run past its reuse is counted again.
     */
    RunningCounts(int reuseFactor, LongSupplier nanoTime, Executor background) {
        this.reuseFactor = reuseFactor;
        this.nanoTime = nanoTime;
        this.background = background;
    }

    ViewCounts get(String runId, Supplier<ViewCounts> count) {
        Counted last = counted.get(runId);
        if (last == null || reuseFactor == 0) {
            return count(runId, count);
        }
        if (nanoTime.getAsLong() - last.countedAt() < last.took() * reuseFactor) {
            return last.counts();
        }
        if (last.took() < RECOUNT_IN_BACKGROUND_FROM_MILLIS * 1_000_000) {
            return count(runId, count);
        }
        if (recounting.add(runId)) {
            try {
                background.execute(() -> recount(runId, last, count));
            } catch (RejectedExecutionException e) {
                recounting.remove(runId);
                return count(runId, count);
            }
        }
        return last.counts();
    }

    /**
     * Replaces {@code last} only if it is still the run's entry: a run whose counts were frozen meanwhile
     * ({@link #forget}) gets no entry back.
     */
    private void recount(String runId, Counted last, Supplier<ViewCounts> count) {
        try {
            long start = nanoTime.getAsLong();
            ViewCounts counts = count.get();
            long done = nanoTime.getAsLong();
            counted.replace(runId, last, new Counted(counts, done, done - start));
        } catch (RuntimeException e) {
            // The last count stays; the next request past its reuse tries again.
            LOG.warnf("counting run %s again failed: %s", runId, e.getMessage());
        } finally {
            recounting.remove(runId);
        }
    }

    private ViewCounts count(String runId, Supplier<ViewCounts> count) {
        long start = nanoTime.getAsLong();
        ViewCounts counts = count.get();
        long done = nanoTime.getAsLong();
        if (counted.size() >= MAX_ENTRIES) {
            counted.clear();
        }
        counted.put(runId, new Counted(counts, done, done - start));
        return counts;
    }

    /** The run's counts are frozen now. */
    void forget(String runId) {
        counted.remove(runId);
    }
}
