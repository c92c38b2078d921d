package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/**
 * A count that took long is reused for a while, and past that served once more while the run is counted again in
 * the background; a small one is counted afresh; a frozen run's count is dropped. Time is a test clock: a count
 * "takes" its milliseconds by moving it.
 */
class RunningCountsTest {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final List<Runnable> background = new ArrayList<>();
    final RunningCounts cache = new RunningCounts(RunningCounts.REUSE_FACTOR, nanos::get, background::add);
    final AtomicInteger counted = new AtomicInteger();

    /** A count that takes {@code millis}, as a large run's does, and says how many counts were made so far. */
    Supplier<ViewCounts> counting(long millis) {
        return () -> {
            nanos.addAndGet(millis * 1_000_000);
            int n = counted.incrementAndGet();
            return new ViewCounts(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        };
    }

    void later(long millis) {
        nanos.addAndGet(millis * 1_000_000);
    }

    @Test
    void aCountThatTookLongIsReusedUntilTheRunIsForgotten() {
        ViewCounts first = cache.get("big", counting(300));
        later(2_000);
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

    @Test
    void aLongCountPastItsReuseIsServedOnceMoreWhileTheRunIsCountedAgainInTheBackground() {
        ViewCounts first = cache.get("big", counting(1_200));
        later(12_001);

        assertThat(cache.get("big", counting(1_200))).as("past its reuse, nobody waits").isSameAs(first);
        assertThat(cache.get("big", counting(1_200))).isSameAs(first);
        assertThat(counted).hasValue(1);
        assertThat(background).as("one recount for the run, however many requests ask").hasSize(1);

        background.remove(0).run();

        assertThat(counted).hasValue(2);
        assertThat(cache.get("big", counting(1_200)).scanned()).isEqualTo(2);
        assertThat(background).isEmpty();
    }

    @Test
    void aShortCountPastItsReuseIsMadeAgainBeforeTheAnswer() {
        cache.get("small", counting(5));
        later(51);

        assertThat(cache.get("small", counting(5)).scanned()).isEqualTo(2);
        assertThat(background).isEmpty();
    }

    @Test
    void aBackgroundCountThatFailsLeavesTheLastCountAndIsTriedAgainOnTheNextRequest() {
        ViewCounts first = cache.get("big", counting(1_200));
        later(12_001);
        cache.get("big", () -> {
            throw new IllegalStateException("MongoDB is down");
        });
        background.remove(0).run();

        assertThat(cache.get("big", counting(1_200))).isSameAs(first);
        assertThat(background).as("tried again").hasSize(1);
    }

    @Test
    void aRunFrozenWhileItWasCountedInTheBackgroundGetsNoCountBack() {
        cache.get("big", counting(1_200));
        later(12_001);
        cache.get("big", counting(1_200));
        cache.forget("big");
        background.remove(0).run();

        assertThat(cache.get("big", counting(0)).scanned()).as("counted afresh, not the background count").isEqualTo(3);
        assertThat(background).isEmpty();
    }
}
