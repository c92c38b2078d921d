package dev.patchflow.report.domain;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.patchflow.report.domain.format.ReportFormat;
import dev.patchflow.report.domain.format.ReportRenderer;

/**
 * Writes one report file of a run to a client. A completed run's four files were written to the archive when it
 * completed (and again after any event new to it, {@link RunFinisher}); when the run's view says the archived files
 * show its story as it is now ({@link ViewStore.ArchiveMark#current()}), the archived file is copied byte for byte —
 * a 100,000-target run's report costs a read of S3, not a pass over its views. Otherwise (a run in progress, an
 * archive that is disabled, failed or behind the views) the file is rendered from the views, streamed from a cursor.
 * Both give the same bytes. An archive that cannot be read (S3 down) falls back to rendering, and so does one that
 * fails half-way: rendering continues the response after the bytes already sent.
 */
@ApplicationScoped
public class ReportDelivery {

    private static final Logger LOG = Logger.getLogger(ReportDelivery.class);

    private final RunQueries queries;
    private final ViewStore store;
    private final ReportArchive archive;
    private final ReportRenderer renderer;

    public ReportDelivery(RunQueries queries, ViewStore store, ReportArchive archive, ReportRenderer renderer) {
        this.queries = queries;
        this.store = store;
        this.archive = archive;
        this.renderer = renderer;
    }

    /** Where a report came from, for the caller's logs and tests. */
    public enum Source {
        ARCHIVE, VIEWS
    }

    /** Writes {@code run}'s report in {@code format} to {@code out}; says where its bytes came from. */
    public Source write(RunReport run, ReportFormat format, OutputStream out) throws IOException {
        Optional<InputStream> archived = archived(run, format);
        if (archived.isEmpty()) {
            render(run, format, out);
            return Source.VIEWS;
        }
        long sent = 0;
        try (InputStream in = archived.get()) {
            byte[] buffer = new byte[1 << 16];
            while (true) {
                int read;
                try {
                    read = in.read(buffer);
                } catch (IOException e) {
                    LOG.warnf("run %s: archived %s failed after %d bytes (%s); rendering the rest from the views",
                            run.runId(), format.fileName(), sent, e.getMessage());
                    render(run, format, new Skipping(out, sent));
                    return Source.VIEWS;
                }
                if (read < 0) {
                    return Source.ARCHIVE;
                }
                out.write(buffer, 0, read); // a client that went away fails here, as it would while rendering
                sent += read;
            }
        }
    }

    private Optional<InputStream> archived(RunReport run, ReportFormat format) {
        if (run.state() != RunState.COMPLETED || !archive.writes()) {
            return Optional.empty();
        }
        boolean current = store.archiveMark(run.runId()).map(ViewStore.ArchiveMark::current).orElse(false);
        return current ? archive.open(run.runId(), format.fileName()) : Optional.empty();
    }

    private void render(RunReport run, ReportFormat format, OutputStream out) throws IOException {
        Optional<Stream<RunReport.Drift>> drift = format == ReportFormat.CSV
                ? Optional.empty()
                : queries.streamDrift(run);
        try (Stream<TargetReport> targets = queries.streamTargets(run.runId(), TargetFilter.ALL)) {
            renderer.write(format, run, drift.map(Stream::iterator).orElse(null), targets.iterator(), out);
        } finally {
            drift.ifPresent(Stream::close);
        }
    }

    /** Drops the first {@code skip} bytes written to it (those the archive already sent), passes on the rest. */
    static final class Skipping extends FilterOutputStream {

        private long skip;

        Skipping(OutputStream out, long skip) {
            super(out);
            this.skip = skip;
        }

        @Override
        public void write(int b) throws IOException {
            if (skip > 0) {
                skip--;
            } else {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int dropped = (int) Math.min(skip, len);
            skip -= dropped;
            if (len > dropped) {
                out.write(b, off + dropped, len - dropped);
            }
        }

        @Override
        public void close() throws IOException {
            flush(); // the caller's stream is the caller's to close
        }
    }
}
