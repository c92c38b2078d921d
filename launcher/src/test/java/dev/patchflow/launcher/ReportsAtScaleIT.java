package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;

import dev.patchflow.launcher.ReportScale.Timing;
import dev.patchflow.schemas.EventJson;

/**
 * A large run (views written straight into the view store) served by the packaged report-svc: completing it
 * archives four complete reports in S3, every format and the run JSON list every target once in target id order,
 * the dashboard shows one filtered page at a time, and report-svc never runs out of memory.
 * <p>
 * By default (in {@code mvn verify}) 5,000 targets whose output tails are 20 KiB each, served at {@code -Xmx96m}
 * reading 100 views per batch: every report (about 110 MB) is larger than report-svc's whole heap, so only a report
 * streamed one batch of views at a time can be served. {@code -Dreport.scale.targets=100000} is the issue's run: 100,000 ordinary targets at
 * {@code -Xmx256m} (several minutes here; {@code -Dreport.scale.heap=} and {@code -Dreport.scale.tail-bytes=}
 * override either shape). The benchmark, {@code ./patchflow benchmark-reports}, prints the timings; this test
 * asserts none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReportsAtScaleIT {

    static final int TARGETS = Integer.getInteger("report.scale.targets", 5_000);
    /** The issue's run is 100,000 ordinary targets; a smaller one gets big targets and a smaller heap. */
    static final boolean ISSUE_SCALE = TARGETS >= 100_000;
    static final String HEAP = System.getProperty("report.scale.heap", ISSUE_SCALE ? ReportScale.MAX_HEAP : "96m");
    static final int TAIL_BYTES = Integer.getInteger("report.scale.tail-bytes", ISSUE_SCALE ? 0 : 20 * 1024);
    /** About two batches are in memory at once: 100 views of 20 KiB are 2 MB. */
    static final int BATCH = Integer.getInteger("report.scale.batch-size", ISSUE_SCALE ? ReportScale.BATCH : 100);

    ReportScale scale;
    String api;

    @BeforeAll
    void start() throws Exception {
        Path home = LauncherMain.home();
        Path work = Files.createTempDirectory(Files.createDirectories(home.resolve("launcher/target")), "reports-");
        scale = ReportScale.start(home, work, TARGETS, HEAP, TAIL_BYTES, BATCH, ReportScale::localRunJvmOptions,
                line -> System.out.println("[reports-at-scale] " + line));
        api = "/api/runs/" + scale.runId();
    }

    @AfterAll
    void stop() throws IOException {
        if (scale != null) {
            Path log = scale.reportService().logFile();
            scale.close();
            assertThat(Files.readString(log)).as("report-svc log").doesNotContain("OutOfMemoryError");
        }
    }

    @Test
    @Order(1)
    void runningRunPageCountsEveryTargetAndShowsOnePage() throws Exception {
        String page = html(scale.get("/runs/" + scale.runId(), true));

        assertThat(rowIds(page)).hasSize(50).first().isEqualTo(ReportScale.targetId(0));
        assertThat(page).contains("rel=\"next\"").contains("<b>" + TARGETS + "</b><small>terminal</small>");
    }

    /** Nothing is archived before the completion: each format is rendered from the views, a batch at a time. */
    @Test
    @Order(1)
    void runningRunReportsAreRenderedFromTheViewsWithEveryTargetOnceInOrder() throws Exception {
        assertEveryTargetInOrder(csvIds(served(api + "/report.csv")));
        assertEveryTargetInOrder(jsonIds(served(api + "/report.json")));
        assertEveryTargetInOrder(matches(XML_TARGET, new String(served(api + "/report.xml"), StandardCharsets.UTF_8)));
        assertEveryTargetInOrder(rowIds(new String(served(api + "/report.html"), StandardCharsets.UTF_8)));
        assertThat(scale.reportService().isAlive()).isTrue();
    }

    byte[] served(String path) throws Exception {
        Timing report = scale.get(path, true);
        assertThat(report.status()).as(path).isEqualTo(200);
        return report.body();
    }

    @Test
    @Order(2)
    void completionArchivesFourCompleteReportsInS3() throws Exception {
        scale.complete(Duration.ofMinutes(15));

        MinioClient s3 = MinioClient.builder().endpoint(scale.stack().s3Endpoint())
                .credentials(scale.stack().s3AccessKey(), scale.stack().s3SecretKey()).build();
        try (InputStream csv = s3.getObject(GetObjectArgs.builder().bucket(scale.stack().s3Bucket())
                .object("reports/" + scale.runId() + "/report.csv").build())) {
            assertEveryTargetInOrder(csvIds(csv.readAllBytes()));
        }
        try (InputStream xml = s3.getObject(GetObjectArgs.builder().bucket(scale.stack().s3Bucket())
                .object("reports/" + scale.runId() + "/report.xml").build())) {
            assertEveryTargetInOrder(matches(XML_TARGET, new String(xml.readAllBytes(), StandardCharsets.UTF_8)));
        }
        scale.get(api + "?limit=0", true);
        assertThat(scale.reportService().isAlive()).isTrue();
    }

    @Test
    @Order(3)
    void everyFormatListsEveryTargetOnceInTargetIdOrder() throws Exception {
        Timing csv = scale.get(api + "/report.csv", true);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertEveryTargetInOrder(csvIds(csv.body()));

        Timing json = scale.get(api + "/report.json", true);
        assertThat(json.status()).isEqualTo(200);
        assertEveryTargetInOrder(jsonIds(json.body()));
        JsonNode counts = EventJson.mapper().readTree(scale.get(api + "?limit=0", true).body()).get("counts");
        assertThat(counts.get("terminal").asInt()).isEqualTo(TARGETS);
        assertThat(counts.get("patchFailed").asInt()).isEqualTo(failedPatches());

        Timing xml = scale.get(api + "/report.xml", true);
        assertThat(xml.status()).isEqualTo(200);
        assertEveryTargetInOrder(matches(XML_TARGET, new String(xml.body(), StandardCharsets.UTF_8)));

        Timing html = scale.get(api + "/report.html", true);
        assertThat(html.status()).isEqualTo(200);
        assertEveryTargetInOrder(rowIds(new String(html.body(), StandardCharsets.UTF_8)));

        Timing all = scale.get(api, true);
        assertThat(all.status()).isEqualTo(200);
        assertEveryTargetInOrder(jsonIds(all.body()));
        assertThat(scale.reportService().isAlive()).isTrue();
    }

    @Test
    @Order(4)
    void dashboardPagesAndFiltersTheTargetTable() throws Exception {
        String run = "/runs/" + scale.runId();
        String middle = ReportScale.targetId(TARGETS / 2);
        assertThat(rowIds(html(scale.get(run + "?after=" + middle, true))))
                .first().isEqualTo(ReportScale.targetId(TARGETS / 2 + 1));

        List<String> failed = rowIds(html(scale.get(run + "?status=FAILED&size=1000", true)));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < TARGETS && expected.size() < 1000; i++) {
            if (ReportScale.patchFailed(i) || ReportScale.validationFailed(i)) {
                expected.add(ReportScale.targetId(i));
            }
        }
        assertThat(failed).isEqualTo(expected);

        String listener = html(
                scale.get(run + "?q=listener%20did%20not%20come%20up%20on%20" + ReportScale.targetId(11), true));
        assertThat(rowIds(listener)).containsExactly(ReportScale.targetId(11));
    }

    /** An error is measured as it arrives too: its status, and its body read from the error stream. */
    @Test
    @Order(5)
    void anUnknownRunIsA404ThatNamesTheRun() throws Exception {
        Timing unknown = scale.get("/api/runs/no-such-run", true);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/json");
        assertThat(new String(unknown.body(), StandardCharsets.UTF_8)).contains("unknown run no-such-run");
    }

    // --- reading what was served ------------------------------------------------------------------------------

    static final Pattern XML_TARGET = Pattern.compile("<target id=\"([^\"]+)\"");
    static final Pattern HTML_ROW = Pattern.compile("<td><b>([^<]+)</b>");

    static int failedPatches() {
        int failed = 0;
        for (int i = 0; i < TARGETS; i++) {
            failed += ReportScale.patchFailed(i) ? 1 : 0;
        }
        return failed;
    }

    static void assertEveryTargetInOrder(List<String> ids) {
        assertThat(ids).hasSize(TARGETS);
        for (int i = 0; i < TARGETS; i++) {
            if (!ids.get(i).equals(ReportScale.targetId(i))) {
                throw new AssertionError("target " + i + " is " + ids.get(i) + ", expected " + ReportScale.targetId(i));
            }
        }
    }

    static String html(Timing page) {
        assertThat(page.status()).isEqualTo(200);
        return new String(page.body(), StandardCharsets.UTF_8);
    }

    static List<String> rowIds(String html) {
        return matches(HTML_ROW, html);
    }

    static List<String> matches(Pattern pattern, String text) {
        List<String> ids = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    /** The first column of every line after the header (target ids need no quoting). */
    static List<String> csvIds(byte[] csv) {
        List<String> lines = new String(csv, StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(0)).startsWith("targetId,name,");
        return lines.stream().skip(1).map(line -> line.substring(0, line.indexOf(','))).toList();
    }

    /** {@code targets[*].targetId}, read as a stream of tokens. */
    static List<String> jsonIds(byte[] json) throws IOException {
        List<String> ids = new ArrayList<>();
        try (JsonParser parser = EventJson.mapper().createParser(new ByteArrayInputStream(json))) {
            int depth = 0;
            boolean inTargets = false;
            for (JsonToken token; (token = parser.nextToken()) != null;) {
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME && depth == 1) {
                    inTargets = "targets".equals(parser.currentName());
                } else if (token == JsonToken.FIELD_NAME && inTargets && depth == 3
                        && "targetId".equals(parser.currentName())) {
                    ids.add(parser.nextTextValue());
                }
            }
        }
        return ids;
    }
}
