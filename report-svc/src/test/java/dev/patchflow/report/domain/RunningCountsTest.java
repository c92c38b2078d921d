package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** A count that took long is reused for a while; a small one is not; a frozen run's count is dropped. */
class RunningCountsTest {

    final RunningCounts cache = new RunningCounts();
    final AtomicInteger counted = new AtomicInteger();

    /** A count that takes {@code millis}, as a large run's does, and says how many counts were made so far. */
    Supplier<ViewCounts> counting(long millis) {
        return () -> {
            long until = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            int n = counted.incrementAndGet();
            return new ViewCounts(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        };
    }

    @Test
    void aCountThatTookLongIsReusedUntilTheRunIsForgotten() {
        ViewCounts first = cache.get("big", counting(300));
        ViewCounts second = cache.get("big", counting(300));

        assertThat(second).isSameAs(first);
        assertThat(counted).hasValue(1);

        cache.forget("big");
        assertThat(cache.get("big", counting(0)).scanned()).isEqualTo(2);
    }

    @Test
    void runsAreCountedEachOnItsOwn() {
        cache.get("a", counting(300));
        cache.get("b", counting(300));

        assertThat(counted).hasValue(2);
    }
}
