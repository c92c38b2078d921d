package dev.patchflow.report.domain;

import static dev.patchflow.report.support.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.patchflow.report.adapters.mongo.MongoViewStore;
import dev.patchflow.report.domain.ReportDelivery.Source;
import dev.patchflow.report.domain.format.ReportFormat;
import dev.patchflow.report.domain.format.ReportRenderer;
import dev.patchflow.report.support.EmbeddedMongo;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.MutableClock;
import dev.patchflow.report.support.RecordingArchive;
import dev.patchflow.report.support.RecordingPublisher;
import dev.patchflow.report.support.TestConfig;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * A completed run's report is copied from the archive when the run's view says the archived files show its story as
 * it is now, and rendered from the views otherwise — an event new to the run since, an archive that is disabled, an
 * S3 that cannot be read or fails half-way — with the same bytes as rendering would give, whichever way it went.
 */
class ReportDeliveryTest {

    static final String RUN = "delivered";
    /** The run's first target's restore point, held back until after the completion (it overtook nothing else). */
    static final PatchflowEvent LATE_BACKUP = Fixtures.backedUp(RUN, "app-01");

    final EmbeddedMongo mongo = new EmbeddedMongo();
    final MutableClock clock = new MutableClock();
    final ReportRenderer renderer = TestRenderer.create();
    final MongoViewStore store = new MongoViewStore(mongo.client(), new TestConfig());
    final RunQueries queries = new RunQueries(store, new TestConfig());
    final List<Runnable> completions = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        mongo.close();
    }

    @Test
    void aCompletedRunIsServedFromItsArchiveInEveryFormatWithTheBytesRenderingGives() throws IOException {
        RecordingArchive archive = new RecordingArchive();
        complete(archive, true);

        for (ReportFormat format : ReportFormat.values()) {
            Delivered delivered = deliver(archive, format);
            assertThat(delivered.source()).as(format.fileName()).isEqualTo(Source.ARCHIVE);
            assertThat(delivered.text()).as(format.fileName()).isEqualTo(rendered(format))
                    .isEqualTo(archived(archive, format));
        }
        assertThat(archive.reads).hasValue(4);
    }

    @Test
    void anEventNewToTheRunAfterItsArchiveWasWrittenIsServedFromTheViewsUntilTheArchiveIsWrittenAgain()
            throws IOException {
        RecordingArchive archive = new RecordingArchive();
        ViewProjector projector = complete(archive, false);
        String before = archived(archive, ReportFormat.CSV);

        projector.apply(event(LATE_BACKUP)); // the rewrite it triggers waits on the completion executor
        Delivered stale = deliver(archive, ReportFormat.CSV);
        assertThat(stale.source()).isEqualTo(Source.VIEWS);
        assertThat(stale.text()).isEqualTo(rendered(ReportFormat.CSV)).isNotEqualTo(before)
                .contains("s3://patchflow/backups/" + RUN + "/app-01");

        runCompletions();
        Delivered current = deliver(archive, ReportFormat.CSV);
        assertThat(current.source()).isEqualTo(Source.ARCHIVE);
        assertThat(current.text()).isEqualTo(stale.text()).isEqualTo(archived(archive, ReportFormat.CSV));
    }

    @Test
    void aRunWhoseArchiveIsDisabledIsRenderedFromItsViews() throws IOException {
        RecordingArchive disabled = new RecordingArchive() {

            @Override
            public boolean writes() {
                return false;
            }
        };
        complete(disabled, true);

        for (ReportFormat format : ReportFormat.values()) {
            Delivered delivered = deliver(disabled, format);
            assertThat(delivered.source()).as(format.fileName()).isEqualTo(Source.VIEWS);
            assertThat(delivered.text()).isEqualTo(rendered(format));
        }
        assertThat(disabled.reads).hasValue(0);
    }

    @Test
    void aRunWhoseArchiveWriteFailedIsRenderedFromItsViews() throws IOException {
        RecordingArchive failing = new RecordingArchive();
        failing.failing = true;
        ViewProjector projector = projector(failing);
        Fixtures.run(RUN, 2).forEach(e -> projector.apply(event(e)));
        runCompletions(); // the completion fails at the archive: the run stays COMPLETING for the reconciler
        failing.failing = false;
        new RunFinisher(store, renderer, failing, new RecordingPublisher(), clock).finishQuietly(RUN);
        assertThat(store.run(RUN).orElseThrow().state()).isEqualTo(RunState.COMPLETED);

        assertThat(deliver(failing, ReportFormat.JSON).source()).as("written by the reconciler's finish")
                .isEqualTo(Source.ARCHIVE);
    }

    @Test
    void anS3ThatCannotBeReadStillServesTheReportRenderedFromTheViews() throws IOException {
        RecordingArchive archive = new RecordingArchive();
        complete(archive, true);
        archive.unreadable = true;

        for (ReportFormat format : ReportFormat.values()) {
            Delivered delivered = deliver(archive, format);
            assertThat(delivered.source()).isEqualTo(Source.VIEWS);
            assertThat(delivered.text()).as(format.fileName()).isEqualTo(archived(archive, format));
        }
    }

    @Test
    void anS3ThatFailsHalfWayIsFollowedByTheRestOfTheRenderedReportWithNothingSentTwice() throws IOException {
        RecordingArchive archive = new RecordingArchive() {

            @Override
            public Optional<InputStream> open(String runId, String name) {
                return super.open(runId, name).map(FailsAfterTwoHundredBytes::new);
            }
        };
        complete(archive, true);

        for (ReportFormat format : ReportFormat.values()) {
            Delivered delivered = deliver(archive, format);
            assertThat(delivered.source()).isEqualTo(Source.VIEWS);
            assertThat(delivered.text()).as(format.fileName()).isEqualTo(archived(archive, format));
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    record Delivered(Source source, String text) {
    }

    /** A 4-target run, completed through the projector; its first target's backup is held back unless asked. */
    ViewProjector complete(RecordingArchive archive, boolean withEveryBackup) {
        ViewProjector projector = projector(archive);
        Fixtures.run(RUN, 2).stream().filter(e -> withEveryBackup || !e.equals(LATE_BACKUP))
                .forEach(e -> projector.apply(event(e)));
        runCompletions();
        assertThat(store.run(RUN).orElseThrow().state()).isEqualTo(RunState.COMPLETED);
        return projector;
    }

    ViewProjector projector(RecordingArchive archive) {
        RunFinisher finisher = new RunFinisher(store, renderer, archive, new RecordingPublisher(), clock,
                completions::add);
        return new ViewProjector(store, finisher, clock);
    }

    void runCompletions() {
        while (!completions.isEmpty()) {
            completions.remove(0).run();
        }
    }

    Delivered deliver(RecordingArchive archive, ReportFormat format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Source source = new ReportDelivery(queries, store, archive, renderer).write(summary(), format, out);
        return new Delivered(source, out.toString(StandardCharsets.UTF_8));
    }

    /** What rendering from the views gives now (an archive that holds nothing). */
    String rendered(ReportFormat format) throws IOException {
        RecordingArchive empty = new RecordingArchive();
        Delivered delivered = deliver(empty, format);
        assertThat(delivered.source()).isEqualTo(Source.VIEWS);
        return delivered.text();
    }

    static String archived(RecordingArchive archive, ReportFormat format) {
        return new String(archive.stored().get("reports/" + RUN + "/" + format.fileName()).content(),
                StandardCharsets.UTF_8);
    }

    RunReport summary() {
        return queries.summary(RUN).orElseThrow();
    }

    /** An S3 object whose connection drops after its first 200 bytes. */
    static final class FailsAfterTwoHundredBytes extends FilterInputStream {

        private int left = 200;

        FailsAfterTwoHundredBytes(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new IOException("connection reset");
            }
            int read = super.read(b, off, Math.min(len, left));
            left -= Math.max(read, 0);
            return read;
        }
    }
}
