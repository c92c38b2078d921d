package dev.patchflow.report.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.mongodb.ServerAddress;
import com.mongodb.ServerCursor;
import com.mongodb.client.MongoCursor;

/** The read-ahead keeps the cursor's order, stops and closes the cursor when closed, and reports its failure. */
class PrefetchingCursorTest {

    /** A cursor over {@code count} numbers that fails at {@code failAt} (or never) and says when it is closed. */
    static final class Numbers implements MongoCursor<Integer> {

        final int count;
        final int failAt;
        final AtomicInteger read = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();

        Numbers(int count, int failAt) {
            this.count = count;
            this.failAt = failAt;
        }

        @Override
        public boolean hasNext() {
            return read.get() < count;
        }

        @Override
        public Integer next() {
            int n = read.getAndIncrement();
            if (n == failAt) {
                throw new IllegalStateException("connection lost at " + n);
            }
            return n;
        }

        @Override
        public int available() {
            return 0;
        }

        @Override
        public Integer tryNext() {
            return hasNext() ? next() : null;
        }

        @Override
        public ServerCursor getServerCursor() {
            return null;
        }

        @Override
        public ServerAddress getServerAddress() {
            return new ServerAddress();
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void everyElementComesInTheCursorsOrderAcrossBatches() {
        Numbers cursor = new Numbers(2_503, -1);
        try (Stream<Integer> stream = PrefetchingCursor.stream(cursor, 100, 1, "test-reader")) {
            assertThat(stream.toList()).isEqualTo(IntStream.range(0, 2_503).boxed().toList());
        }
        await().atMost(Duration.ofSeconds(10)).untilTrue(cursor.closed);
    }

    @Test
    void closingEarlyStopsTheReaderAndClosesTheCursor() {
        Numbers cursor = new Numbers(1_000_000, -1);
        try (Stream<Integer> stream = PrefetchingCursor.stream(cursor, 100, 1, "test-reader")) {
            assertThat(stream.limit(10).toList()).hasSize(10);
        }
        await().atMost(Duration.ofSeconds(10)).untilTrue(cursor.closed);
        assertThat(cursor.read.get()).as("read ahead at most a few batches").isLessThan(1_000);
    }

    @Test
    void aFailingCursorFailsTheStreamAfterTheElementsBeforeIt() {
        Numbers cursor = new Numbers(1_000, 250);
        List<Integer> seen = new java.util.ArrayList<>();
        try (Stream<Integer> stream = PrefetchingCursor.stream(cursor, 100, 1, "test-reader")) {
            assertThatThrownBy(() -> stream.forEach(seen::add)).hasMessage("connection lost at 250");
        }
        assertThat(seen).isEqualTo(IntStream.range(0, 200).boxed().toList());
        await().atMost(Duration.ofSeconds(10)).untilTrue(cursor.closed);
    }
}
