package dev.patchflow.report.adapters.mongo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.mongodb.client.MongoCursor;

/**
 * Reads a cursor one batch ahead on its own thread: while the caller renders a batch of target views, the next
 * one travels from MongoDB and is decoded, so streaming a large run costs about the longer of the two instead
 * of their sum. At most {@code batchesAhead} batches wait, so memory stays at a few batches. Closing stops the
 * reader (after the read it is in) and closes the cursor; a failure of the cursor is thrown to the caller.
 */
final class PrefetchingCursor<T> implements Iterator<T>, AutoCloseable {

    private static final Object END = new Object();

    private final BlockingQueue<Object> ready;
    private volatile boolean closed;
    private Iterator<T> batch = Collections.emptyIterator();
    private boolean ended;

    private PrefetchingCursor(MongoCursor<T> cursor, int batchSize, int batchesAhead, String name) {
        this.ready = new ArrayBlockingQueue<>(batchesAhead);
        Thread reader = new Thread(() -> read(cursor, batchSize), name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The cursor's elements as a stream that must be closed. */
    static <T> Stream<T> stream(MongoCursor<T> cursor, int batchSize, int batchesAhead, String name) {
        PrefetchingCursor<T> prefetching = new PrefetchingCursor<>(cursor, batchSize, batchesAhead, name);
        return StreamSupport
                .stream(Spliterators.spliteratorUnknownSize(prefetching, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(prefetching::close);
    }

    private void read(MongoCursor<T> cursor, int batchSize) {
        try (cursor) {
            List<T> next = new ArrayList<>(batchSize);
            while (!closed && cursor.hasNext()) {
                next.add(cursor.next());
                if (next.size() == batchSize) {
                    hand(next);
                    next = new ArrayList<>(batchSize);
                }
            }
            if (!next.isEmpty()) {
                hand(next);
            }
            hand(END);
        } catch (RuntimeException | Error e) {
            hand(e);
        }
    }

    /** Waits for room, giving up once the caller has closed (nobody will take it). */
    private void hand(Object item) {
        try {
            while (!closed) {
                if (ready.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
        while (!batch.hasNext() && !ended) {
            Object next;
            try {
                next = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading target views", e);
            }
            if (next == END) {
                ended = true;
            } else if (next instanceof RuntimeException e) {
                ended = true;
                throw e;
            } else if (next instanceof Error e) {
                ended = true;
                throw e;
            } else {
                batch = ((List<T>) next).iterator();
            }
        }
        return batch.hasNext();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return batch.next();
    }

    @Override
    public void close() {
        closed = true;
        ready.clear();
    }
}
