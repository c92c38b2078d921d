package dev.patchflow.report.domain.format;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.ser.ToXmlGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

import dev.patchflow.report.domain.ReportFile;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.schemas.EventJson;

/**
 * The four report formats of a run, all from the same {@link RunReport}: CSV (one row per target), JSON
 * (the API view), XML (valid against {@code schemas/xsd/run-report.xsd}) and a self-contained HTML page.
 */
@ApplicationScoped
public class ReportRenderer {

    public static final String CSV = "report.csv";
    public static final String JSON = "report.json";
    public static final String XML = "report.xml";
    public static final String HTML = "report.html";

    public static final String CSV_TYPE = "text/csv; charset=utf-8";
    public static final String JSON_TYPE = "application/json";
    public static final String XML_TYPE = "application/xml";
    public static final String HTML_TYPE = "text/html; charset=utf-8";

    private final ObjectWriter csvWriter;
    private final ObjectWriter jsonWriter = EventJson.mapper().writerWithDefaultPrettyPrinter();
    private final ObjectWriter xmlWriter;
    private final Template html;

    public ReportRenderer(@Location("report.html") Template html) {
        this.html = html;
        CsvMapper csv = new CsvMapper();
        this.csvWriter = csv.writer(csv.schemaFor(CsvRow.class).withHeader());
        XmlMapper xml = XmlMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(ToXmlGenerator.Feature.WRITE_XML_DECLARATION)
                .build();
        this.xmlWriter = xml.writerWithDefaultPrettyPrinter();
    }

    public List<ReportFile> renderAll(RunReport run) {
        return List.of(new ReportFile(CSV, CSV_TYPE, csv(run)), new ReportFile(JSON, JSON_TYPE, json(run)),
                new ReportFile(HTML, HTML_TYPE, html(run)), new ReportFile(XML, XML_TYPE, xml(run)));
    }

    public byte[] csv(RunReport run) {
        return write(csvWriter, run.targets().stream().map(CsvRow::of).toList());
    }

    public byte[] json(RunReport run) {
        return write(jsonWriter, run);
    }

    public byte[] xml(RunReport run) {
        return write(xmlWriter, XmlRun.of(run));
    }

    /** Qute escapes every expression in an {@code .html} template, so a reason cannot inject markup. */
    public byte[] html(RunReport run) {
        return html.data("run", run).render().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] write(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render report", e);
        }
    }
}
