package dev.patchflow.report.domain.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.patchflow.report.domain.AwsReport;
import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.RunRules;
import dev.patchflow.report.domain.RunState;
import dev.patchflow.report.domain.RunView;
import dev.patchflow.report.domain.TargetPhase;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.TargetStatus;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.report.domain.ViewCounts;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.TargetFacts;
import dev.patchflow.report.support.TestRenderer;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.RunOutcome;

/**
 * The four formats are written as streams, one target at a time; what they write is what the whole run
 * rendered at once writes (the way the reports were made before they were streamed), in the order the targets
 * come in.
 */
class ReportStreamingTest {

    final ReportRenderer renderer = TestRenderer.create();

    /** Every combination of stage facts, so that every branch of every format's row is taken. */
    static RunReport everyCombination() {
        List<TargetView> targets = TargetFacts.everyCombination();
        RunView run = new RunView("every", RunState.COMPLETED, Fixtures.context("every"), true, true, targets.size(),
                false, null, targets.size(), RunOutcome.FAILED, ViewCounts.of(targets),
                Instant.parse("2026-11-20T09:00:00Z"), Instant.parse("2026-11-20T09:05:00Z"),
                "s3://patchflow/reports/every/");
        return RunRules.report(run, targets);
    }

    static RunReport noTargets() {
        RunView run = new RunView("none", RunState.COMPLETED, Fixtures.context("none"), true, false, null, true,
                "unknown provider <ec3>", 0, RunOutcome.REJECTED, ViewCounts.ZERO,
                Instant.parse("2026-11-20T09:00:00Z"), Instant.parse("2026-11-20T09:01:00Z"), null);
        return RunRules.report(run, List.of());
    }

    byte[] streamed(ReportFormat format, RunReport run) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer.write(format, run.withoutTargets(), run.drift() == null ? null : run.drift().iterator(),
                run.targets().iterator(), out);
        return out.toByteArray();
    }

    @Test
    void csvStreamedIsTheWholeRunWrittenAsOneList() throws Exception {
        CsvMapper csv = new CsvMapper();
        var whole = csv.writer(csv.schemaFor(CsvRow.class).withHeader());
        for (RunReport run : List.of(everyCombination(), noTargets(), ReportRendererTest.report(),
                ReportRendererTest.clusterReport())) {
            assertThat(new String(streamed(ReportFormat.CSV, run), StandardCharsets.UTF_8)).as(run.runId())
                    .isEqualTo(whole.writeValueAsString(run.targets().stream().map(CsvRow::of).toList()));
        }
    }

    @Test
    void jsonStreamedIsTheWholeRunWrittenAsOneValue() throws Exception {
        var whole = EventJson.mapper().writerWithDefaultPrettyPrinter();
        for (RunReport run : List.of(everyCombination(), noTargets(), ReportRendererTest.report(),
                ReportRendererTest.clusterReport())) {
            assertThat(new String(streamed(ReportFormat.JSON, run), StandardCharsets.UTF_8)).as(run.runId())
                    .isEqualTo(whole.writeValueAsString(run));
        }
    }

    @Test
    void apiJsonIsTheSameDocumentWithoutIndentationAndWithExtraFieldsBeforeTheTargets() throws Exception {
        RunReport run = ReportRendererTest.report();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        renderer.writeApiJson(run.withoutTargets(), run.drift().iterator(), Map.of("page", Map.of("limit", 2)),
                run.targets().iterator(), out);

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\n").contains("\"page\":{\"limit\":2},\"targets\":[{\"targetId\":\"app-01\"");
        JsonNode api = EventJson.mapper().readTree(text);
        JsonNode report = EventJson.mapper().readTree(streamed(ReportFormat.JSON, run));
        ((com.fasterxml.jackson.databind.node.ObjectNode) api).remove("page");
        assertThat(api).isEqualTo(report);
    }

    @Test
    void htmlStreamedInFragmentsIsTheWholeTemplateRenderedAtOnce() throws Exception {
        var template = TestRenderer.engine().getTemplate("report.html");
        for (RunReport run : List.of(everyCombination(), noTargets(), ReportRendererTest.report(),
                ReportRendererTest.clusterReport())) {
            String whole = template.data("run", run).data("hasTargets", !run.targets().isEmpty()).render();
            assertThat(new String(streamed(ReportFormat.HTML, run), StandardCharsets.UTF_8)).as(run.runId())
                    .isEqualTo(whole);
        }
    }

    /**
     * The page is encoded part by part into a buffer of its own: a part larger than that buffer (a reason of a
     * patch's whole output) and characters of two and three bytes on either side of the buffer's edges come out as
     * the template rendered at once writes them.
     */
    @Test
    void htmlWithAPartLargerThanThePageBufferAndMultiByteTextIsTheWholeTemplateRenderedAtOnce() throws Exception {
        RunReport every = everyCombination();
        List<TargetReport> targets = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            TargetReport t = every.targets().get(i % every.targets().size());
            String reason = i % 100 == 7 ? "é→✗ <x> ".repeat(20_000) : "exit 1 – ünchanged → " + "é".repeat(i);
            targets.add(new TargetReport(String.format("t-%03d", i), t.name(), t.kind(), t.environment(),
                    t.landingZone(), t.installedVersion(), t.status(), t.phase(), reason, t.backup(), t.patch(),
                    t.validation(), t.aws()));
        }
        RunReport run = withTargets(every, targets);
        String whole = wholePage(run);

        assertThat(whole.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(3 * (1 << 16));
        assertThat(new String(streamed(ReportFormat.HTML, run), StandardCharsets.UTF_8)).isEqualTo(whole);
    }

    /**
     * The report's rows are written in Java ({@link HtmlTargetRow}), the dashboard's by Qute from
     * {@code _target_row.html}: for every optional field absent, empty, zero, plain or full of markup, on directory
     * targets and EC2 instances, the page is the template's page, byte for byte.
     */
    @Test
    void htmlRowsWithEveryOptionalFieldAbsentEmptyZeroOrMarkupAreTheTemplatesRows() throws Exception {
        List<String> texts = Arrays.asList(null, "", "plain", "<b class=\"x\">a & 'b'</b> → é");
        List<Long> numbers = Arrays.asList(null, 0L, 20_480L);
        List<Boolean> restored = Arrays.asList(null, true, false);
        List<List<CheckResult>> failed = List.of(List.of(),
                List.of(new CheckResult("health", "command", false, null)),
                List.of(new CheckResult("<h>", "command", false, "exit 1: <script>"),
                        new CheckResult("port", "tcp", false, "")));
        RunReport every = everyCombination();
        List<TargetReport> targets = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            int n = i;
            java.util.function.IntFunction<String> text = k -> texts.get((n / 2 + k) % texts.size());
            Long number = numbers.get(i % numbers.size());
            BackupView backup = i % 7 == 0
                    ? null
                    : new BackupView(text.apply(1), text.apply(2), text.apply(3), number, text.apply(4), text.apply(5));
            PatchView patch = i % 11 == 0
                    ? null
                    : new PatchView(text.apply(2), i % 5 == 0 ? null : (int) (i % 3), text.apply(6), text.apply(7),
                            text.apply(8), numbers.get((i / 3) % numbers.size()), Map.of());
            ValidationView validation = i % 13 == 0
                    ? null
                    : new ValidationView(text.apply(3), List.of(), failed.get(i % failed.size()));
            AwsReport aws = i % 2 == 0
                    ? null
                    : new AwsReport(text.apply(0), text.apply(1), text.apply(2), text.apply(3), text.apply(4),
                            text.apply(5), text.apply(6), text.apply(7), text.apply(8), text.apply(9),
                            text.apply(10), text.apply(11), text.apply(12), restored.get((i / 2) % restored.size()),
                            text.apply(13), text.apply(14), text.apply(15), text.apply(16), text.apply(17),
                            text.apply(18));
            String id = String.format("t-%03d", i);
            String name = i % 9 == 0 ? id : text.apply(19);
            targets.add(new TargetReport(id, name, text.apply(20), text.apply(21), text.apply(22), text.apply(23),
                    TargetStatus.values()[i % TargetStatus.values().length],
                    TargetPhase.values()[i % TargetPhase.values().length], text.apply(24), backup, patch, validation,
                    aws));
        }
        RunReport run = withTargets(every, targets);
        String whole = wholePage(run);

        assertThat(whole).contains("&lt;b class=&quot;x&quot;&gt;a &amp; &#39;b&#39;&lt;/b&gt;", " (restored)",
                " (not restored: ", "✗ &lt;h&gt;: exit 1: &lt;script&gt;", "✗ health: failed", "AMI <span");
        assertThat(new String(streamed(ReportFormat.HTML, run), StandardCharsets.UTF_8)).isEqualTo(whole);
    }

    @Test
    void xmlStreamedIsValidAgainstTheXsdWithOneTargetElementPerTargetInOrder() throws Exception {
        var schema = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(getClass().getClassLoader().getResource("schemas/xsd/run-report.xsd"));
        for (RunReport run : List.of(everyCombination(), noTargets(), ReportRendererTest.clusterReport())) {
            byte[] xml = streamed(ReportFormat.XML, run);
            schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(xml)));
            assertThat(ids(Pattern.compile("<target id=\"([^\"]+)\""), new String(xml, StandardCharsets.UTF_8)))
                    .isEqualTo(run.targets().stream().map(TargetReport::targetId).toList());
        }
    }

    @Test
    void everyFormatListsTheTargetsInTheOrderTheyCameIn() throws Exception {
        RunReport run = everyCombination();
        List<String> order = run.targets().stream().map(TargetReport::targetId).toList();

        List<Map<String, String>> csvRows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).<Map<String, String>>readValues(streamed(ReportFormat.CSV,
                        run))
                .readAll();
        assertThat(csvRows).extracting(r -> r.get("targetId")).isEqualTo(order);
        List<String> json = new ArrayList<>();
        EventJson.mapper().readTree(streamed(ReportFormat.JSON, run)).get("targets")
                .forEach(t -> json.add(t.get("targetId").asText()));
        assertThat(json).isEqualTo(order);
        assertThat(ids(Pattern.compile("<target id=\"([^\"]+)\""),
                new String(streamed(ReportFormat.XML, run), StandardCharsets.UTF_8))).isEqualTo(order);
        assertThat(ids(Pattern.compile("<td><b>([^<]+)</b>"),
                new String(streamed(ReportFormat.HTML, run), StandardCharsets.UTF_8))).isEqualTo(order);
    }

    /**
     * Streamed, not built in memory: each format has written bytes to its output long before the last of
     * 20,000 targets is taken from the iterator, and the iterator is read once, front to back.
     */
    @Test
    void everyFormatWritesToItsOutputWhileTheTargetsAreStillBeingRead() throws Exception {
        TargetReport template = everyCombination().targets().get(42);
        for (ReportFormat format : ReportFormat.values()) {
            CountingSink out = new CountingSink();
            long[] writtenWhenHalfRead = {-1};
            int total = 20_000;
            Iterator<TargetReport> targets = new Iterator<>() {

                int taken;

                @Override
                public boolean hasNext() {
                    return taken < total;
                }

                @Override
                public TargetReport next() {
                    if (++taken == total / 2) {
                        writtenWhenHalfRead[0] = out.bytes;
                    }
                    return new TargetReport(String.format("t-%05d", taken), template.name(), template.kind(),
                            template.environment(), template.landingZone(), template.installedVersion(),
                            template.status(), template.phase(), template.reason(), template.backup(),
                            template.patch(), template.validation());
                }
            };

            renderer.write(format, everyCombination().withoutTargets(), null, targets, out);

            assertThat(writtenWhenHalfRead[0]).as(format.name()).isGreaterThan(out.bytes / 4);
        }
    }

    /**
     * Each flush of a response hands what was written so far to the HTTP server's event loop: a flush per row made
     * a 100,000-target CSV cost a second of event-loop time in 100,000 hand-overs. Every format flushes when a
     * buffer is full and at the end, not per target.
     */
    @Test
    void noFormatFlushesItsOutputOncePerTarget() throws Exception {
        TargetReport row = everyCombination().targets().get(42);
        int total = 5_000;
        for (ReportFormat format : ReportFormat.values()) {
            CountingSink out = new CountingSink();
            Iterator<TargetReport> targets = java.util.stream.IntStream.rangeClosed(1, total)
                    .mapToObj(i -> new TargetReport(String.format("t-%05d", i), row.name(), row.kind(),
                            row.environment(), row.landingZone(), row.installedVersion(), row.status(), row.phase(),
                            row.reason(), row.backup(), row.patch(), row.validation()))
                    .iterator();

            renderer.write(format, everyCombination().withoutTargets(), null, targets, out);

            assertThat(out.flushes).as(format.name()).isLessThan(total / 10);
        }
    }

    /**
     * A client that goes away half-way: every format stops taking targets at the failure of its output and passes
     * the failure on (a page that swallowed it would read the rest of a 100,000-target run for nobody, and the
     * caller could not tell the report was cut short).
     */
    @Test
    void everyFormatStopsAtAFailureOfItsOutputAndPassesItOn() {
        TargetReport row = everyCombination().targets().get(42);
        int total = 20_000;
        for (ReportFormat format : ReportFormat.values()) {
            int[] taken = {0};
            Iterator<TargetReport> targets = java.util.stream.IntStream.rangeClosed(1, total)
                    .peek(i -> taken[0]++)
                    .mapToObj(i -> new TargetReport(String.format("t-%05d", i), row.name(), row.kind(),
                            row.environment(), row.landingZone(), row.installedVersion(), row.status(), row.phase(),
                            row.reason(), row.backup(), row.patch(), row.validation()))
                    .iterator();
            OutputStream goneAfter256k = new OutputStream() {

                long bytes;

                @Override
                public void write(int b) throws IOException {
                    write(new byte[]{(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    bytes += len;
                    if (bytes > 256 * 1024) {
                        throw new IOException("connection reset by peer");
                    }
                }
            };

            assertThatThrownBy(() -> renderer.write(format, everyCombination().withoutTargets(), null, targets,
                    goneAfter256k)).as(format.name()).isInstanceOf(IOException.class)
                    .hasMessageStartingWith("connection reset by peer");
            assertThat(taken[0]).as(format.name()).isLessThan(total / 2);
        }
    }

    /** {@code run} with other targets. */
    private static RunReport withTargets(RunReport run, List<TargetReport> targets) {
        return new RunReport(run.runId(), run.state(), run.outcome(), run.reason(), run.patch(), run.requestedBy(),
                run.requestedAt(), run.completedAt(), run.dryRun(), run.expectedTargets(), run.counts(),
                run.reportLocation(), run.rollout(), run.drift(), targets, run.haltCause(), run.scannerOnly(),
                run.zoneErrors());
    }

    /** report.html rendered at once by Qute, rows included: what the streamed page must equal. */
    private static String wholePage(RunReport run) {
        return TestRenderer.engine().getTemplate("report.html").data("run", run).data("hasTargets", true).render();
    }

    private static List<String> ids(Pattern pattern, String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** Counts what reaches it and keeps nothing. */
    static final class CountingSink extends OutputStream {

        long bytes;
        int flushes;

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
