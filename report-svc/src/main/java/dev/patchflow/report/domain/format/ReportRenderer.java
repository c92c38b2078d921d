package dev.patchflow.report.domain.format;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

import dev.patchflow.report.domain.ReportFile;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.ZoneError;

/**
 * The four report formats of a run: CSV (one row per target), JSON (the API view), XML (valid against
 * {@code schemas/xsd/run-report.xsd}) and a self-contained HTML page. Every format is written as a stream: the
 * run's summary ({@link RunReport} without targets) first, then one target at a time from an iterator (a
 * cursor over the view store), so memory does not grow with the run. The unit of every format is one
 * {@link TargetReport}: {@link CsvRow} for CSV, {@link XmlRun.Target} for XML, the record itself for JSON, the
 * row {@link HtmlTargetRow} writes as {@code report.html}'s {@code row} fragment would for HTML.
 */
@ApplicationScoped
public class ReportRenderer {

    public static final String CSV = ReportFormat.CSV.fileName();
    public static final String JSON = ReportFormat.JSON.fileName();
    public static final String XML = ReportFormat.XML.fileName();
    public static final String HTML = ReportFormat.HTML.fileName();

    public static final String CSV_TYPE = ReportFormat.CSV.contentType();
    public static final String JSON_TYPE = ReportFormat.JSON.contentType();
    public static final String XML_TYPE = ReportFormat.XML.contentType();
    public static final String HTML_TYPE = ReportFormat.HTML.contentType();

    /**
     * The HTML page's fragments (report.html): everything before the drift section, its head, one drifted target,
     * its tail, the head of the target table, everything after. The rows between them are {@link HtmlTargetRow}'s.
     */
    static final String HEAD = "head", DRIFT_HEAD = "drift_head", DRIFT_ROW = "drift_row", DRIFT_TAIL = "drift_tail",
            TARGETS_HEAD = "targets_head", TAIL = "tail";

    private final ObjectWriter csvWriter;
    /** A {@code --scanner-only} run's CSV: the inventory columns. */
    private final ObjectWriter inventoryWriter;
    /** Creates the JSON generators (pretty for report.json, compact for the API). */
    private final ObjectWriter jsonPretty = EventJson.mapper().writerWithDefaultPrettyPrinter()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    private final ObjectWriter jsonCompact = EventJson.mapper().writer()
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    /** Writes values into a generator that is already open: keeps its pretty printer, flushes only at the end. */
    private final ObjectWriter jsonValue = EventJson.mapper().writer()
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
    private final ObjectWriter xmlWriter;
    private final Template.Fragment htmlHead;
    private final Template.Fragment htmlDriftHead;
    private final Template.Fragment htmlDriftRow;
    private final Template.Fragment htmlDriftTail;
    private final Template.Fragment htmlTargetsHead;
    private final Template.Fragment htmlTail;

    public ReportRenderer(@Location("report.html") Template injected) {
        // The engine's template itself, not Quarkus's injectable wrapper: every instance of the wrapper's fragments
        // copied its data into a new instance of the template's at each rendering, once per row of a page.
        Template html = injected.instance().getTemplate();
        this.htmlHead = fragment(html, HEAD);
        this.htmlDriftHead = fragment(html, DRIFT_HEAD);
        this.htmlDriftRow = fragment(html, DRIFT_ROW);
        this.htmlDriftTail = fragment(html, DRIFT_TAIL);
        this.htmlTargetsHead = fragment(html, TARGETS_HEAD);
        this.htmlTail = fragment(html, TAIL);
        CsvMapper csv = new CsvMapper();
        // A sequence writer flushes its generator after every value by default: each row went out as a write of its
        // own. The generator's buffer goes out when it is full and at the end instead.
        this.csvWriter = csv.writer(csv.schemaFor(CsvRow.class).withHeader())
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        this.inventoryWriter = csv.writer(csv.schemaFor(InventoryRow.class).withHeader())
                .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
        XmlMapper xml = XmlMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .build();
        this.xmlWriter = xml.writerWithDefaultPrettyPrinter();
    }

    private static Template.Fragment fragment(Template template, String id) {
        Template.Fragment fragment = template.getFragment(id);
        if (fragment == null) {
            throw new IllegalStateException("template " + template.getId() + " has no fragment '" + id + "'");
        }
        return fragment;
    }

    /**
     * Writes one format: {@code run} is the summary (its {@code targets} and {@code drift} are ignored),
     * {@code drift} the drifted targets in report order ({@code null}: no drift section), {@code targets} the rows
     * in report order. Flushes {@code out} once, at the end ({@link FlushedAtTheEnd}), does not close it.
     */
    public void write(ReportFormat format, RunReport run, Iterator<RunReport.Drift> drift,
            Iterator<TargetReport> targets, OutputStream out) throws IOException {
        OutputStream body = new FlushedAtTheEnd(out);
        switch (format) {
            case CSV -> writeCsv(run, targets, body);
            case JSON -> writeJson(jsonPretty, run, drift, Map.of(), targets, body);
            case HTML -> writeHtml(run, drift, targets, body);
            case XML -> writeXml(run, drift, targets, body);
        }
        out.flush();
    }

    /**
     * The run as the API shows it ({@code GET /api/runs/{id}}): the report JSON without indentation, with
     * {@code drift} (when not {@code null}) and {@code extra} fields (e.g. {@code page}) between the summary and
     * {@code targets}.
     */
    public void writeApiJson(RunReport run, Iterator<RunReport.Drift> drift, Map<String, ?> extra,
            Iterator<TargetReport> targets, OutputStream out) throws IOException {
        writeJson(jsonCompact, run, drift, extra, targets, new FlushedAtTheEnd(out));
        out.flush();
    }

    /**
     * The four files of a completed run for the archive, each rendered from its own pass over the targets
     * ({@code targets} opens one; it is closed when the file is written) and, for the formats with a drift
     * section, one over the drifted targets ({@code drift}; empty: no drift section).
     */
    public List<ReportFile> files(RunReport run, Supplier<Stream<TargetReport>> targets,
            Supplier<Optional<Stream<RunReport.Drift>>> drift) {
        return Stream.of(ReportFormat.values()).map(format -> new ReportFile(format.fileName(), format.contentType(),
                out -> {
                    Optional<Stream<RunReport.Drift>> drifted = format == ReportFormat.CSV
                            ? Optional.empty()
                            : drift.get();
                    try (Stream<TargetReport> rows = targets.get()) {
                        write(format, run, drifted.map(Stream::iterator).orElse(null), rows.iterator(), out);
                    } finally {
                        drifted.ifPresent(Stream::close);
                    }
                })).toList();
    }

    // --- a run whose targets are in memory (small runs, tests) --------------------------------------------

    public byte[] csv(RunReport run) {
        return inMemory(ReportFormat.CSV, run);
    }

    public byte[] json(RunReport run) {
        return inMemory(ReportFormat.JSON, run);
    }

    public byte[] xml(RunReport run) {
        return inMemory(ReportFormat.XML, run);
    }

    /** Qute escapes every expression in an {@code .html} template, so a reason cannot inject markup. */
    public byte[] html(RunReport run) {
        return inMemory(ReportFormat.HTML, run);
    }

    private byte[] inMemory(ReportFormat format, RunReport run) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            List<TargetReport> targets = run.targets() == null ? List.of() : run.targets();
            write(format, run.withoutTargets(), run.drift() == null ? null : run.drift().iterator(),
                    targets.iterator(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render " + format.fileName(), e);
        }
        return out.toByteArray();
    }

    // --- the formats ---------------------------------------------------------------------------------------

    /**
     * One row per target (the inventory columns for a {@code --scanner-only} run), then one per landing zone the
     * scanner could not scan.
     */
    private void writeCsv(RunReport run, Iterator<TargetReport> targets, OutputStream out) throws IOException {
        boolean inventory = run.scannerOnly();
        // the header comes first, also when there are no rows
        try (SequenceWriter rows = (inventory ? inventoryWriter : csvWriter).writeValues(out)) {
            while (targets.hasNext()) {
                TargetReport target = targets.next();
                rows.write(inventory ? InventoryRow.of(target) : CsvRow.of(target));
            }
            for (ZoneError error : run.zoneErrors()) {
                rows.write(inventory ? InventoryRow.of(error) : CsvRow.of(error));
            }
        }
    }

    /**
     * The summary's properties (as Jackson writes {@link RunReport}, {@code drift} and {@code targets} left out),
     * {@code drift} and {@code targets} written one by one into the same generator, with {@code extra} between
     * them.
     */
    private void writeJson(ObjectWriter generators, RunReport run, Iterator<RunReport.Drift> drift,
            Map<String, ?> extra, Iterator<TargetReport> targets, OutputStream out) throws IOException {
        ObjectNode summary = EventJson.mapper().valueToTree(run.withoutTargets());
        try (JsonGenerator json = generators.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, JsonNode> property : summary.properties()) {
                json.writeFieldName(property.getKey());
                jsonValue.writeValue(json, property.getValue());
            }
            if (drift != null) {
                json.writeArrayFieldStart("drift");
                while (drift.hasNext()) {
                    jsonValue.writeValue(json, drift.next());
                }
                json.writeEndArray();
            }
            for (Map.Entry<String, ?> property : extra.entrySet()) {
                json.writeFieldName(property.getKey());
                jsonValue.writeValue(json, property.getValue());
            }
            json.writeArrayFieldStart("targets");
            while (targets.hasNext()) {
                jsonValue.writeValue(json, targets.next());
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** Jackson serializes the lazily mapped iterators element by element. */
    private void writeXml(RunReport run, Iterator<RunReport.Drift> drift, Iterator<TargetReport> targets,
            OutputStream out) throws IOException {
        xmlWriter.writeValue(out, XmlRun.of(run, drift, targets));
    }

    /**
     * Passes the bytes on and ignores flushes: each flush of a response hands what was written to the HTTP server's
     * event loop, and the writers flush on their own (the XML writer whenever its buffer of a few kilobytes is full,
     * every fourth target), so a report is handed on when the response's own buffer is full and once at the end.
     */
    private static final class FlushedAtTheEnd extends FilterOutputStream {

        FlushedAtTheEnd(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            // the caller's flush at the end is the one that counts
        }

        @Override
        public void close() {
            // the caller's stream is the caller's to close
        }
    }

    /**
     * The page's head; the drift section (only when a target drifted) as its head, one {@code drift_row} fragment
     * per drifted target and its tail; the target table's head, one row per target ({@link HtmlTargetRow}: the
     * {@code row} fragment's markup without Qute's cost per expression), the tail (which says when there were none).
     */
    private void writeHtml(RunReport run, Iterator<RunReport.Drift> drift, Iterator<TargetReport> targets,
            OutputStream out) throws IOException {
        PageWriter page = new PageWriter(out);
        page.write(htmlHead.data("run", run));
        if (drift != null && drift.hasNext()) {
            page.write(htmlDriftHead.data("run", run));
            while (drift.hasNext()) {
                page.write(htmlDriftRow.data("run", run).data("d", drift.next()));
            }
            page.write(htmlDriftTail.data("run", run));
        }
        page.write(htmlTargetsHead.data("run", run));
        boolean hasTargets = targets.hasNext();
        StringBuilder row = new StringBuilder(2048);
        // One builder for every row: emptied, not replaced.
        while (targets.hasNext()) {
            row.setLength(0);
            HtmlTargetRow.write(targets.next(), row);
            page.write(row.toString());
        }
        page.write(htmlTail.data("run", run).data("hasTargets", hasTargets));
        page.flush();
    }

    /**
     * Hands each part of a fragment to the page as Qute produces it, and each row as {@link HtmlTargetRow} wrote it:
     * every part is encoded on its own ({@link String#getBytes}: a copy for the ASCII most parts are) into a buffer
     * this page alone writes to. A fragment rendered to a String first ({@code render()}) was built in a builder that
     * a "—", "→" or "✗" widened to two bytes a character; a {@code BufferedWriter} over an {@code OutputStreamWriter}
     * took a lock and made two more copies for each part: a quarter of report-svc's CPU for a 100,000-target page in
     * a profile, when every row was forty-odd parts from Qute.
     */
    private static final class PageWriter implements Consumer<String> {

        private final OutputStream out;
        private final byte[] buffer = new byte[1 << 16];
        private int used;

        PageWriter(OutputStream out) {
            this.out = out;
        }

        void write(TemplateInstance fragment) throws IOException {
            try {
                fragment.consume(this).toCompletableFuture().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw e;
            }
        }

        /** A part from Qute, which takes no checked exception: a failed write comes back from {@link #write}. */
        @Override
        public void accept(String part) {
            try {
                write(part);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void write(String part) throws IOException {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            if (bytes.length > buffer.length - used) {
                flush();
                if (bytes.length > buffer.length) {
                    out.write(bytes);
                    return;
                }
            }
            System.arraycopy(bytes, 0, buffer, used, bytes.length);
            used += bytes.length;
        }

        /** Writes what the buffer holds; the stream is flushed by its owner. */
        void flush() throws IOException {
            out.write(buffer, 0, used);
            used = 0;
        }
    }
}
