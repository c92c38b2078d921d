package dev.patchflow.validator.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.validator.messaging.InMemoryChannels;

/**
 * validator-svc has no REST endpoint of its own (docs/SECURITY.md): health and metrics are open, every other path needs a
 * trusted, unexpired token.
 */
@QuarkusTest
@WithTestResource(InMemoryChannels.class)
@WithTestResource(LocalAuthTestResource.class)
class HttpAuthTest {

    @Test
    void healthAndMetricsStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(org.hamcrest.Matchers.not(401));
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void everyOtherPathNeedsAToken() {
        for (String path : List.of("/", "/api/runs", "/q/dev-ui", "/anything")) {
            given().get(path).then().statusCode(401).header("WWW-Authenticate", containsString("Bearer"));
        }
    }

    @Test
    void tokenSignedByAnotherKeyOrExpiredGets401() {
        // No endpoint here to describe the refusal: the answer is the bare challenge (docs/SECURITY.md).
        for (String token : List.of(LocalAuthTestResource.foreignToken("operator"),
                LocalAuthTestResource.expiredToken("operator"))) {
            given().auth().oauth2(token).get("/api/runs").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"));
        }
    }

    @Test
    void aValidTokenOfAnyRoleGetsPastAuthentication() {
        for (String role : List.of("viewer", "operator", "approver")) {
            given().auth().oauth2(LocalAuthTestResource.token(role)).get("/anything").then().statusCode(404);
        }
    }
}
