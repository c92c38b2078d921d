package dev.patchflow.report.api;

import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.MultiEmitter;

import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.RunChanges;
import dev.patchflow.report.domain.RunFeed;
import dev.patchflow.report.domain.RunQueries;
import dev.patchflow.report.domain.RunReport;

/**
 * The live streams of runs ({@code GET /api/runs/{id}/stream}): per connection a {@link RunFeed} polled every
 * {@code stream-interval} and at once when this replica applied events of the run, each changed summary sent as an
 * SSE event {@code run} (JSON, the shape of {@code GET /api/runs/{id}?limit=0} without {@code page}), a comment
 * {@code heartbeat} after {@code stream-heartbeat} of silence, and the stream completed after the summary that
 * shows the run {@code COMPLETED} or {@code HALTED}. A connection costs one timer entry and, per poll, one read of
 * one document; the polls of one connection never overlap, and everything stops when the client goes away.
 */
@ApplicationScoped
public class RunStreams {

    private static final Logger LOG = Logger.getLogger(RunStreams.class);
    /** The summary is rebuilt at least this often while the run view seems unchanged (see {@link RunFeed}). */
    private static final int REFRESH_POLLS = 5;

    private final RunQueries queries;
    private final RunChanges changes;
    private final long intervalMillis;
    private final long heartbeatNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "run-stream-timer");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicLong open = new AtomicLong();

    public RunStreams(RunQueries queries, RunChanges changes, ReportConfig config) {
        this.queries = queries;
        this.changes = changes;
        this.intervalMillis = Math.max(10, config.streamInterval().toMillis());
        this.heartbeatNanos = config.streamHeartbeat().toNanos();
    }

    /** The live stream of one run; the caller has checked that the run exists. */
    public Multi<OutboundSseEvent> stream(String runId, Sse sse) {
        return Multi.createFrom().emitter(emitter -> new Connection(runId, sse, emitter).start());
    }

    /** Streams open on this replica now. */
    public long open() {
        return open.get();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private final class Connection {

        private final String runId;
        private final Sse sse;
        private final MultiEmitter<? super OutboundSseEvent> emitter;
        private final RunFeed feed;
        private final Executor worker = Infrastructure.getDefaultWorkerPool();
        private final AtomicBoolean busy = new AtomicBoolean();
        private final AtomicBoolean again = new AtomicBoolean();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private volatile ScheduledFuture<?> ticks;
        private volatile AutoCloseable listening;
        private long lastWrite = System.nanoTime();
        private long sequence;
        private boolean failing;

        Connection(String runId, Sse sse, MultiEmitter<? super OutboundSseEvent> emitter) {
            this.runId = runId;
            this.sse = sse;
            this.emitter = emitter;
            this.feed = new RunFeed(queries, runId, REFRESH_POLLS);
        }

        void start() {
            open.incrementAndGet();
            emitter.onTermination(this::close);
            listening = changes.listen(ids -> {
                if (ids.contains(runId)) {
                    wake();
                }
            });
            ticks = timer.scheduleWithFixedDelay(this::wake, 0, intervalMillis, TimeUnit.MILLISECONDS);
        }

        /** Polls on a worker thread; a wake while a poll runs makes that poll go once more. */
        private void wake() {
            if (stopped.get()) {
                return;
            }
            if (!busy.compareAndSet(false, true)) {
                again.set(true);
                return;
            }
            try {
                worker.execute(this::run);
            } catch (RuntimeException e) {
                busy.set(false); // the pool is shutting down
            }
        }

        private void run() {
            try {
                do {
                    again.set(false);
                    step();
                } while (again.get() && !stopped.get());
            } catch (RuntimeException e) {
                // The view store is unreachable for a moment: the stream stays open and the next poll tries again.
                if (!failing) {
                    LOG.warnf("live stream of run %s cannot read the run: %s", runId, e.getMessage());
                }
                failing = true;
            } finally {
                busy.set(false);
            }
        }

        private void step() {
            if (stopped.get()) {
                return;
            }
            Optional<RunReport> summary = feed.poll();
            failing = false;
            long now = System.nanoTime();
            if (summary.isPresent()) {
                emitter.emit(sse.newEventBuilder().name("run").id(Long.toString(++sequence))
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(RunReport.class, summary.get()).build());
                lastWrite = now;
                if (feed.ended()) {
                    emitter.complete();
                    close();
                }
            } else if (now - lastWrite >= heartbeatNanos) {
                emitter.emit(sse.newEventBuilder().comment("heartbeat").build());
                lastWrite = now;
            }
        }

        private void close() {
            if (!stopped.compareAndSet(false, true)) {
                return;
            }
            open.decrementAndGet();
            if (ticks != null) {
                ticks.cancel(false);
            }
            try {
                if (listening != null) {
                    listening.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
