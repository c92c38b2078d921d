package dev.patchflow.report.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;

import dev.patchflow.kit.messaging.Batches;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.report.support.Fixtures;
import dev.patchflow.report.support.InMemoryProfile;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.events.PatchflowEvent;

/**
 * Who may call what on report-svc (docs/SECURITY.md): every API and dashboard endpoint × anonymous, each role, a
 * role-less token, a token signed by another key and an expired token.
 */
@QuarkusTest
@TestProfile(InMemoryProfile.class)
class AuthMatrixTest {

    static final String RUN = "auth-1";
    static final List<String> API = List.of("/api/runs", "/api/runs/" + RUN, "/api/runs/" + RUN + "/report.csv",
            "/api/runs/" + RUN + "/report.json", "/api/runs/" + RUN + "/report.xml",
            "/api/runs/" + RUN + "/report.html", "/api/runs/" + RUN + "/stream");
    static final List<String> PAGES = List.of("/", "/dashboard", "/runs/" + RUN);
    static final List<String> READERS = List.of("viewer", "operator", "approver");

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @BeforeEach
    void completedRun() {
        for (PatchflowEvent data : Fixtures.run(RUN, 1)) {
            CloudEvent<?> event = Fixtures.event(data);
            RecordHeaders headers = new RecordHeaders();
            new EventCodec().headers(event).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
            connector.source(event.type().topic()).send(Message.of(Batches.of(new ConsumerRecord<>(
                    event.type().topic(), 0, 0L, 0L, TimestampType.CREATE_TIME, -1, -1, event.key(),
                    new EventCodec().body(data), headers, Optional.empty()))));
        }
        String viewer = LocalAuthTestResource.token("viewer");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().auth().oauth2(viewer)
                .get("/api/runs/" + RUN).then().statusCode(200).body("state", equalTo("COMPLETED")));
    }

    static List<String> everyEndpoint() {
        List<String> all = new ArrayList<>(API);
        all.addAll(PAGES);
        return all;
    }

    @Test
    void everyReadEndpointAnswersEveryRole() {
        for (String role : READERS) {
            String token = LocalAuthTestResource.token(role);
            for (String path : everyEndpoint()) {
                given().auth().oauth2(token).get(path).then().log().ifValidationFails().statusCode(200);
            }
        }
    }

    @Test
    void anonymousCallerGets401WithAJsonBody() {
        for (String path : everyEndpoint()) {
            given().get(path).then().log().ifValidationFails().statusCode(401)
                    .contentType(containsString("application/json")).header("WWW-Authenticate", "Bearer")
                    .body("status", equalTo(401)).body("error", startsWith("authentication required"));
        }
    }

    @Test
    void tokenSignedByAnotherKeyOrExpiredGets401WithAJsonBody() {
        List<String> refused = List.of(LocalAuthTestResource.foreignToken("viewer"),
                LocalAuthTestResource.expiredToken("viewer"), "not-a-jwt");
        for (String token : refused) {
            for (String path : everyEndpoint()) {
                given().auth().oauth2(token).get(path).then().log().ifValidationFails()
                        .statusCode(401).contentType(containsString("application/json")).body("status", equalTo(401))
                        .body("error", startsWith("the bearer token was refused"));
            }
        }
    }

    @Test
    void tokenWithoutAReadingRoleGets403NamingTheRoles() {
        String nobody = LocalAuthTestResource.auth().token("nobody", List.of("auditor"), Instant.now(),
                Duration.ofHours(1));
        for (String path : everyEndpoint()) {
            given().auth().oauth2(nobody).get(path).then().log().ifValidationFails()
                    .statusCode(403).contentType(containsString("application/json")).body("status", equalTo(403))
                    .body("error", equalTo("forbidden: role viewer or operator or approver required"));
        }
    }

    @Test
    void healthAndMetricsStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void pathsOutsideTheEndpointsAreDeniedWithoutAToken() {
        given().get("/q/dev-ui").then().statusCode(401);
        given().get("/no-such-page").then().statusCode(401);
        given().auth().oauth2(LocalAuthTestResource.token("viewer")).get("/no-such-page").then().statusCode(404);
    }

    @Test
    void browserWithoutATokenIsSentToTheLoginPage() {
        for (String page : PAGES) {
            given().redirects().follow(false).accept(ContentType.HTML).get(page).then().statusCode(302)
                    .header("Location", startsWith("/login?next="));
        }
        given().accept(ContentType.HTML).get("/login").then().statusCode(200)
                .body(containsString("<textarea id=\"token\" name=\"token\""));
    }

    @Test
    void loginStoresTheTokenInAnHttpOnlyStrictCookieThatTheDashboardAccepts() {
        String viewer = LocalAuthTestResource.token("viewer");
        Response login = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("token", viewer).formParam("next", "/runs/" + RUN).post("/login");
        login.then().statusCode(303).header("Location", containsString("/runs/" + RUN));
        String setCookie = login.getHeader("Set-Cookie");
        assertThat(setCookie).startsWith("patchflow-token=" + viewer).containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Strict").contains("Path=/");

        given().cookie("patchflow-token", viewer).accept(ContentType.HTML).get("/runs/" + RUN).then().statusCode(200)
                .body(containsString(RUN)).body(containsString("action=\"/logout\""));
        given().cookie("patchflow-token", viewer).get("/api/runs").then().statusCode(200);

        Response logout = given().redirects().follow(false).cookie("patchflow-token", viewer).post("/logout");
        logout.then().statusCode(303).header("Location", containsString("/login"));
        assertThat(logout.getHeader("Set-Cookie")).startsWith("patchflow-token=;").containsIgnoringCase("Max-Age=0");
    }

    @Test
    void loginRefusesABadTokenWithoutSettingACookie() {
        Response login = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("token", LocalAuthTestResource.foreignToken("viewer")).post("/login");
        login.then().statusCode(401).body(containsString("the bearer token was refused"));
        assertThat(login.getHeader("Set-Cookie")).isNull();
    }

    @Test
    void loginNeverRedirectsOffSite() {
        given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("token", LocalAuthTestResource.token("viewer")).formParam("next", "//evil.example/x")
                .post("/login").then().statusCode(303).header("Location", endsWith(":" + RestAssured.port + "/"))
                .header("Location", not(containsString("evil")));
    }

    @Test
    void tokensNeverReachTheLog() throws Exception {
        String viewer = LocalAuthTestResource.token("viewer");
        String expired = LocalAuthTestResource.expiredToken("operator");
        given().auth().oauth2(viewer).get("/api/runs").then().statusCode(200);
        given().auth().oauth2(expired).get("/api/runs").then().statusCode(401);
        given().contentType(ContentType.URLENC).formParam("token", expired).post("/login").then().statusCode(401);

        Path log = Path.of("target", "report-svc-test.log");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.size(log) > 0);
        String written = Files.readString(log);
        assertThat(written).as("the test log (security categories at DEBUG)").contains("started in")
                .doesNotContain(viewer).doesNotContain(expired)
                // nor the signature alone, which is what identifies a token
                .doesNotContain(viewer.substring(viewer.lastIndexOf('.') + 1));
    }
}
