package dev.patchflow.scanner.api;

import static dev.patchflow.scanner.support.Requests.request;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;

import dev.patchflow.kit.api.VerifiedTokens;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.localstack.testing.MongoServerResource;
import dev.patchflow.scanner.messaging.EventPublisher;
import dev.patchflow.scanner.support.InMemoryMessagingResource;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.CloudEventHeaders;
import dev.patchflow.schemas.EventCodec;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * {@code POST /api/runs} (docs/SECURITY.md): only an operator may request a run; the request goes out on
 * {@code patchflow.requests} as the contract's PatchRequested, attributed to the caller.
 */
@QuarkusTest
@WithTestResource(InMemoryMessagingResource.class)
@WithTestResource(MongoServerResource.class)
@WithTestResource(LocalAuthTestResource.class)
class RunRequestResourceTest {

    @Inject
    @org.eclipse.microprofile.reactive.messaging.spi.Connector(InMemoryConnector.CONNECTOR)
    InMemoryConnector connector;

    /** What the API's authentication parses bearer tokens with. */
    @Inject
    JWTParser parser;

    private InMemorySink<byte[]> published;

    @BeforeEach
    void channel() {
        published = connector.sink(EventPublisher.REQUESTS_CHANNEL);
        published.clear();
    }

    static String body(String runId) throws Exception {
        return EventJson.mapper().writeValueAsString(request().runId(runId).build());
    }

    @Test
    void operatorRequestIsPublishedOnTheRequestsTopicAttributedToTheCaller() throws Exception {
        given().auth().oauth2(LocalAuthTestResource.token("operator")).contentType(ContentType.JSON)
                .body(body("http-1")).post("/api/runs").then().statusCode(202).body("runId", equalTo("http-1"))
                .body("eventId", startsWith(""));

        assertThat(published.received()).hasSize(1);
        var message = published.received().get(0);
        OutgoingKafkaRecordMetadata<?> kafka = message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        Map<String, String> headers = EventCodec.headerMap(kafka.getHeaders());
        assertThat(kafka.getKey()).isEqualTo("http-1");
        assertThat(headers).containsEntry(CloudEventHeaders.TYPE, EventType.PATCH_REQUESTED.ceType());
        CloudEvent<?> event = new EventCodec().decode(headers, message.getPayload());
        PatchRequested data = (PatchRequested) event.data();
        assertThat(data.runId()).isEqualTo("http-1");
        assertThat(data.requestedBy()).isEqualTo("local-operator");
        assertThat(data.patch()).isEqualTo(request().runId("http-1").build().patch());
    }

    @Test
    void invalidBodyIsA400NamingTheFieldsAndNothingIsPublished() {
        given().auth().oauth2(LocalAuthTestResource.token("operator")).contentType(ContentType.JSON)
                .body("{\"runId\": \"http-2\", \"targets\": {}}").post("/api/runs").then().statusCode(400)
                .body("status", equalTo(400)).body("error", startsWith("the body is not a valid PatchRequested"))
                .body("errors", hasItem(containsString("patch")));
        given().auth().oauth2(LocalAuthTestResource.token("operator")).contentType(ContentType.JSON).body("not json")
                .post("/api/runs").then().statusCode(400).body("error", containsString("not JSON"));
        assertThat(published.received()).isEmpty();
    }

    @Test
    void viewerAndApproverGet403NamingTheOperatorRole() throws Exception {
        for (String role : List.of("viewer", "approver")) {
            given().auth().oauth2(LocalAuthTestResource.token(role)).contentType(ContentType.JSON)
                    .body(body("http-3")).post("/api/runs").then().statusCode(403)
                    .contentType(containsString("application/json")).body("status", equalTo(403))
                    .body("error", equalTo("forbidden: role operator required"));
        }
        assertThat(published.received()).isEmpty();
    }

    @Test
    void anonymousForeignAndExpiredCallersGet401WithAJsonBody() throws Exception {
        given().contentType(ContentType.JSON).body(body("http-4")).post("/api/runs").then().statusCode(401)
                .contentType(containsString("application/json")).header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401)).body("error", startsWith("authentication required"));
        for (String token : List.of(LocalAuthTestResource.foreignToken("operator"),
                LocalAuthTestResource.expiredToken("operator"),
                LocalAuthTestResource.auth().token("operator", List.of("operator"), Instant.now(),
                        Duration.ofHours(1)).replaceFirst("\\.[^.]+$", ".AAAA"))) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body(body("http-4")).post("/api/runs").then()
                    .statusCode(401).contentType(containsString("application/json")).body("status", equalTo(401))
                    .body("error", startsWith("the bearer token was refused"));
        }
        assertThat(published.received()).isEmpty();
    }

    @Test
    void verifiedTokensAreKeptButATamperedCopyOfOneIsStillRefused() throws Exception {
        assertThat(parser).isInstanceOf(VerifiedTokens.class);
        String viewer = LocalAuthTestResource.token("viewer");
        for (int i = 0; i < 2; i++) { // authenticated (403: a viewer may not request a run), the second time kept
            given().auth().oauth2(viewer).contentType(ContentType.JSON).body(body("http-5")).post("/api/runs").then()
                    .statusCode(403);
        }
        given().auth().oauth2(viewer.replaceFirst("\\.[^.]+$", ".AAAA")).contentType(ContentType.JSON)
                .body(body("http-5")).post("/api/runs").then().statusCode(401)
                .body("error", startsWith("the bearer token was refused"));
        assertThat(published.received()).isEmpty();
    }

    @Test
    void healthAndMetricsStayOpenAndOtherPathsNeedAToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/anything").then().statusCode(401);
        given().auth().oauth2(LocalAuthTestResource.token("viewer")).get("/api/runs").then().statusCode(405);
    }
}
