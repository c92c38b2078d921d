package dev.patchflow.report.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.ViewStore;
import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.report.domain.ViewStore.TargetFact;
import dev.patchflow.report.support.AsViewer;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.EventJson;

/**
 * A run's targets a page at a time: the dashboard's run page and the API page and filter the target table in
 * the view store (keyset links that keep the filter), and every format lists the targets in target id order.
 * Views are written straight into the store, as the projector would have written them.
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
@ExtendWith(AsViewer.class)
class TargetPagingTest {

    static final Instant NOW = Instant.parse("2026-11-20T09:00:00Z");

    @Inject
    ViewStore store;

    /** {@code count} targets t-01… recorded in shuffled order; every third failed its backup, every fifth patched. */
    List<String> run(String runId, int count) {
        store.touchRun(Fixtures.context(runId), NOW);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            ids.add(String.format("t-%02d", i));
        }
        List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(11));
        for (String id : shuffled) {
            int n = Integer.parseInt(id.substring(2));
            store.recordTargets(List.of(new TargetFact(runId, Fixtures.target(id), Stage.SCAN, null)), NOW);
            if (n % 3 == 0) {
                store.recordTargets(List.of(new TargetFact(runId, Fixtures.target(id), Stage.BACKUP,
                        new BackupView(BackupView.FAILED, null, null, null, null, "disk full on " + id))), NOW);
            } else if (n % 5 == 0) {
                store.recordTargets(List.of(new TargetFact(runId, Fixtures.target(id), Stage.PATCH,
                        new PatchView("APPLIED", 0, null, null, null, 5L, Map.of()))), NOW);
            }
        }
        return ids;
    }

    static List<String> rowIds(String html) {
        List<String> ids = new ArrayList<>();
        Matcher m = Pattern.compile("<td><b>([^<]+)</b>").matcher(html);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void runPageShowsOnePageOfTargetsWithLinksToTheNextAndPreviousPages() {
        run("pg-1", 12);

        String first = given().get("/runs/pg-1?size=5").then().statusCode(200).extract().asString();
        assertThat(rowIds(first)).containsExactly("t-01", "t-02", "t-03", "t-04", "t-05");
        assertThat(first).contains("href=\"/runs/pg-1?size=5&amp;after=t-05\" rel=\"next\"")
                .doesNotContain("rel=\"prev\"").contains("5 shown, t-01 to t-05");

        String second = given().get("/runs/pg-1?size=5&after=t-05").then().statusCode(200).extract().asString();
        assertThat(rowIds(second)).containsExactly("t-06", "t-07", "t-08", "t-09", "t-10");
        assertThat(second).contains("href=\"/runs/pg-1?size=5&amp;before=t-06\" rel=\"prev\"")
                .contains("href=\"/runs/pg-1?size=5\">« first</a>");

        String last = given().get("/runs/pg-1?size=5&after=t-10").then().statusCode(200).extract().asString();
        assertThat(rowIds(last)).containsExactly("t-11", "t-12");
        assertThat(last).doesNotContain("rel=\"next\"");

        String back = given().get("/runs/pg-1?size=5&before=t-06").then().statusCode(200).extract().asString();
        assertThat(rowIds(back)).isEqualTo(rowIds(first));
        // the default page size shows all twelve
        assertThat(rowIds(given().get("/runs/pg-1").then().statusCode(200).extract().asString())).hasSize(12);
    }

    @Test
    void runPageFiltersByStatusPhaseAndTextAndItsLinksKeepTheFilter() {
        run("pg-2", 12);

        String failed = given().get("/runs/pg-2?status=FAILED&size=2").then().statusCode(200).extract().asString();
        assertThat(rowIds(failed)).containsExactly("t-03", "t-06");
        assertThat(failed).contains("<option value=\"FAILED\" selected>")
                .contains("href=\"/runs/pg-2?status=FAILED&amp;size=2&amp;after=t-06\" rel=\"next\"")
                .contains("href=\"/runs/pg-2\">clear</a>");
        assertThat(rowIds(given().get("/runs/pg-2?status=FAILED&size=2&after=t-06").then().statusCode(200).extract()
                .asString())).containsExactly("t-09", "t-12");

        assertThat(rowIds(given().get("/runs/pg-2?phase=patched").then().statusCode(200).extract().asString()))
                .containsExactly("t-05", "t-10");
        assertThat(rowIds(given().queryParam("q", "DISK FULL on t-1").get("/runs/pg-2").then().statusCode(200)
                .extract().asString())).containsExactly("t-12");
        assertThat(rowIds(given().get("/runs/pg-2?status=PENDING&phase=SCANNED").then().statusCode(200).extract()
                .asString())).containsExactly("t-01", "t-02", "t-04", "t-07", "t-08", "t-11");
        given().get("/runs/pg-2?status=SUCCEEDED").then().statusCode(200)
                .body(containsString("No targets match the filter.")).body(not(containsString("<td><b>")));
    }

    @Test
    void apiPagesAndFiltersTargetsAndKeepsEveryRunField() {
        List<String> ids = run("pg-3", 12);

        given().get("/api/runs/pg-3?limit=5").then().statusCode(200).body("runId", equalTo("pg-3"))
                .body("state", equalTo("RUNNING")).body("counts.scanned", equalTo(12))
                .body("counts.backupFailed", equalTo(4)).body("targets.targetId", equalTo(ids.subList(0, 5)))
                .body("page.limit", equalTo(5)).body("page.next", equalTo("t-05"))
                .body("page.previous", nullValue());
        given().get("/api/runs/pg-3?limit=5&after=t-10").then().statusCode(200)
                .body("targets.targetId", equalTo(List.of("t-11", "t-12"))).body("page.next", nullValue())
                .body("page.previous", equalTo("t-11"));
        given().get("/api/runs/pg-3?limit=5&before=t-11").then().statusCode(200)
                .body("targets.targetId", equalTo(ids.subList(5, 10)));
        given().get("/api/runs/pg-3?status=failed,pending&phase=FAILED").then().statusCode(200)
                .body("targets.targetId", equalTo(List.of("t-03", "t-06", "t-09", "t-12"))).body("page", nullValue());
        given().get("/api/runs/pg-3?limit=0").then().statusCode(200).body("targets", hasSize(0))
                .body("counts.scanned", equalTo(12));
        // no paging parameter: every target, as patchctl reads it
        given().get("/api/runs/pg-3").then().statusCode(200).body("targets.targetId", equalTo(ids))
                .body("page", nullValue());
    }

    @Test
    void unknownValuesAndImpossiblePagesAreA400NamingWhatIsWrong() {
        run("pg-4", 1);

        given().get("/api/runs/pg-4?status=DONE").then().statusCode(400)
                .contentType(containsString("application/json"))
                .body("error", equalTo("unknown status 'DONE'; one of PENDING, SUCCEEDED, FAILED, ALREADY_APPLIED, "
                        + "DRY_RUN, SKIPPED, CANCELLED, NOT_STARTED"));
        given().get("/api/runs/pg-4?phase=x").then().statusCode(400).body("error", containsString("unknown phase 'x'"));
        given().get("/api/runs/pg-4?limit=5000").then().statusCode(400)
                .body("error", equalTo("limit must be between 0 and 1000, was 5000"));
        given().get("/api/runs/pg-4?after=a&before=b").then().statusCode(400)
                .body("error", equalTo("give either after or before, not both"));
        given().get("/runs/pg-4?size=-1").then().statusCode(400).body("error", containsString("size must be"));
        given().get("/api/runs/nope?limit=5").then().statusCode(404).body("error", equalTo("unknown run nope"));
    }

    @Test
    void everyFormatAndTheApiListTheTargetsInTargetIdOrder() throws Exception {
        List<String> ids = run("pg-5", 12);

        String csv = given().get("/api/runs/pg-5/report.csv").then().statusCode(200).extract().asString();
        List<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).<Map<String, String>>readValues(csv).readAll();
        assertThat(rows).extracting(r -> r.get("targetId")).isEqualTo(ids);
        List<String> json = new ArrayList<>();
        EventJson.mapper().readTree(given().get("/api/runs/pg-5/report.json").then().statusCode(200).extract()
                .asByteArray()).get("targets").forEach(t -> json.add(t.get("targetId").asText()));
        assertThat(json).isEqualTo(ids);
        String xml = given().get("/api/runs/pg-5/report.xml").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("<target id=\"([^\"]+)\"").matcher(xml);
        List<String> xmlIds = new ArrayList<>();
        while (m.find()) {
            xmlIds.add(m.group(1));
        }
        assertThat(xmlIds).isEqualTo(ids);
        assertThat(rowIds(given().get("/api/runs/pg-5/report.html").then().statusCode(200).extract().asString()))
                .isEqualTo(ids);
        given().get("/api/runs/pg-5").then().statusCode(200).body("targets.targetId", equalTo(ids));
    }
}
