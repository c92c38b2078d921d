package dev.patchflow.report.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * The dashboard in headless Chromium (Debian {@code chromium} + {@code chromium-driver}, which {@code .ci/run}
 * installs; Selenium drives chromedriver directly, Selenium Manager never runs): log in with a token, open a run in
 * progress, watch its counts and table change as events are fed without the page reloading, filter the table by
 * status while it stays live, open a target's story, and fetch each of the four report formats in the page's
 * session. One browser for the class, always quit.
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
class DashboardBrowserTest {

    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String CHROMIUM = System.getProperty("patchflow.test.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("patchflow.test.chromedriver", "/usr/bin/chromedriver");

    static ChromeDriver browser;
    static Path downloads;

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void startBrowser() throws Exception {
        for (String[] binary : new String[][]{{CHROMIUM, "chromium"}, {CHROMEDRIVER, "chromium-driver"}}) {
            if (!Files.isExecutable(Path.of(binary[0]))) {
                throw new IllegalStateException("DashboardBrowserTest needs " + binary[0] + " (Debian package "
                        + binary[1] + "), which is missing: run .ci/run, which installs chromium and chromium-driver "
                        + "where missing, or apt-get install -y chromium chromium-driver");
            }
        }
        downloads = Files.createTempDirectory("dashboard-downloads");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(WAIT);
    }

    @AfterAll
    static void quitBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (downloads != null) {
            try (var files = Files.list(downloads)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(downloads);
        }
    }

    void send(PatchflowEvent data) {
        CloudEvent<?> event = CloudEvent.of(Fixtures.SOURCE, data, 1);
        RecordHeaders headers = new RecordHeaders();
        CODEC.headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        var record = new ConsumerRecord<>(event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1,
                event.key(), CODEC.body(data), headers, Optional.empty());
        connector.source(event.type().topic()).send(Message.of(Batches.of(record)));
    }

    String url(String path) {
        return URI.create(base.toString()).resolve(path).toString();
    }

    /** The run's terminal count from the API, -1 while it is unknown. */
    int terminal(String runId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                url("/api/runs/" + runId + "?limit=0"))).header("Authorization", "Bearer "
                        + LocalAuthTestResource.token("viewer"))
                .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() != 200
                ? -1
                : new ObjectMapper().readTree(response.body()).path("counts").path("terminal").asInt();
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    String counts() {
        return text("[data-live=counts]");
    }

    /** The ids of the table's rows, read in one script: the live refresh may swap the rows at any moment. */
    @SuppressWarnings("unchecked")
    List<String> rowIds() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("return Array.from(document"
                + ".querySelectorAll('[data-live=targets] tbody tr td:first-child b')).map(b => b.textContent);");
    }

    /** Text of an element found afresh (the live refresh replaces what is inside the live regions). */
    String text(String css) {
        return waiting().ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(By.cssSelector(css)).getText());
    }

    @Test
    void aLoggedInViewerWatchesARunLiveFiltersItOpensAStoryAndDownloadsEveryFormat() throws Exception {
        String runId = "ui-1";
        send(Fixtures.requested(runId));
        for (String id : List.of("a", "b", "c")) {
            send(Fixtures.scanned(runId, id));
            send(Fixtures.backedUp(runId, id));
        }
        send(Fixtures.scanCompleted(runId, 3));
        send(Fixtures.applied(runId, "a", PatchStatus.APPLIED));
        send(Fixtures.patchFailed(runId, "b", "exit code 3: disk full"));
        await().atMost(WAIT).until(() -> terminal(runId) == 1);

        // Log in: the run page sends a browser without a token to the login page, and back after it.
        browser.get(url("/runs/" + runId));
        waiting().until(d -> !d.findElements(By.id("token")).isEmpty());
        browser.findElement(By.id("token")).sendKeys(LocalAuthTestResource.token("viewer"));
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        waiting().until(d -> d.getCurrentUrl().endsWith("/runs/" + runId)
                && !d.findElements(By.cssSelector("[data-live=counts]")).isEmpty());
        assertThat(text("h1")).contains("Run " + runId).contains("RUNNING");
        assertThat(browser.getPageSource()).contains("Version before → after");

        // Live: a marker set now survives only if the page never reloads.
        JavascriptExecutor js = browser;
        js.executeScript("window.__live = 1;");
        String before = counts();
        assertThat(before).contains("1\nterminal");
        send(Fixtures.validated(runId, "a"));
        waiting().until(d -> counts().contains("2\nterminal"));
        assertThat(js.executeScript("return window.__live;")).as("no reload").isEqualTo(1L);
        assertThat(counts()).isNotEqualTo(before);
        waiting().until(d -> text("[data-live=targets]").contains("SUCCEEDED"));
        assertThat(text("[data-live=targets]")).contains("1.0.0 → 1.1.0").contains("→ unchanged");

        // Filter by status (a navigation), then the filtered page stays live and keeps its filter.
        new Select(browser.findElement(By.cssSelector("form.filter select[name=status]"))).selectByValue("FAILED");
        browser.findElement(By.cssSelector("form.filter button[type=submit]")).click();
        waiting().until(d -> d.getCurrentUrl().contains("status=FAILED"));
        assertThat(rowIds()).containsExactly("b");
        js.executeScript("window.__live = 2;");
        send(Fixtures.applied(runId, "c", PatchStatus.APPLIED));
        send(Fixtures.validated(runId, "c"));
        waiting().until(d -> text("h1").contains("COMPLETED"));
        waiting().until(d -> counts().contains("3\nterminal"));
        assertThat(js.executeScript("return window.__live;")).as("no reload").isEqualTo(2L);
        assertThat(rowIds()).as("the refreshed table keeps the filter").containsExactly("b");

        // The failed target's story.
        waiting().ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(By.cssSelector("[data-live=targets] a.story")).click();
            return true;
        });
        waiting().until(d -> d.findElement(By.cssSelector("h1")).getText().startsWith("Target b"));
        String story = browser.findElement(By.cssSelector("table.story")).getText();
        assertThat(story).contains("PatchRequested").contains("InstanceScanned").contains("BackupCompleted")
                .contains("PatchFailed").contains("exit code 3: disk full");

        // Each report format, fetched inside the page's session (its cookie) from the run page's links.
        browser.get(url("/runs/" + runId));
        Map<String, String[]> expected = Map.of("CSV", new String[]{"text/csv", "targetId,"}, "JSON",
                new String[]{"application/json", "{"}, "XML", new String[]{"application/xml", "<?xml"}, "HTML",
                new String[]{"text/html", "<!DOCTYPE html>"});
        for (var format : expected.entrySet()) {
            String href = browser.findElement(By.linkText(format.getKey())).getAttribute("href");
            @SuppressWarnings("unchecked")
            List<Object> answer = (List<Object>) js.executeAsyncScript("""
                    var done = arguments[arguments.length - 1];
                    fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) {
                      return r.text().then(function (body) {
                        done([r.status, r.headers.get('content-type') || '',
                              r.headers.get('content-disposition') || '', body.slice(0, 40)]);
                      });
                    }).catch(function (e) { done([0, String(e), '', '']); });
                    """, href);
            assertThat(((Number) answer.get(0)).intValue()).as(format.getKey()).isEqualTo(200);
            assertThat((String) answer.get(1)).as(format.getKey()).startsWith(format.getValue()[0]);
            assertThat((String) answer.get(2)).as(format.getKey()).contains("attachment")
                    .contains(runId + "-report.");
            assertThat(((String) answer.get(3)).strip()).as(format.getKey()).startsWith(format.getValue()[1]);
        }
    }
}
