package dev.patchflow.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.backup.InMemoryStackResource;
import dev.patchflow.localstack.LocalAuthTestResource;

/**
 * backup-svc has no REST endpoint of its own (docs/SECURITY.md): health and metrics are open, every other path needs a
 * trusted, unexpired token, and a refused token answers a JSON 401.
 */
@QuarkusTest
@WithTestResource(InMemoryStackResource.class)
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
    void tokenSignedByAnotherKeyOrExpiredGets401WithAJsonBody() {
        for (String token : List.of(LocalAuthTestResource.foreignToken("operator"),
                LocalAuthTestResource.expiredToken("operator"))) {
            given().auth().oauth2(token).get("/api/runs").then().statusCode(401)
                    .contentType(containsString("application/json")).body("status", equalTo(401))
                    .body("error", startsWith("the bearer token was refused"));
        }
    }

    @Test
    void aValidTokenOfAnyRoleGetsPastAuthentication() {
        for (String role : List.of("viewer", "operator", "approver")) {
            given().auth().oauth2(LocalAuthTestResource.token(role)).get("/anything").then().statusCode(404);
        }
    }
}
