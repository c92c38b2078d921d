package dev.patchflow.localstack.testing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.patchflow.localstack.LocalAuthTestResource;

/**
 * The auth rules of a service without REST endpoints of its own (docs/SECURITY.md): health and metrics are
 * open, every other path needs a trusted, unexpired token, and a refused token answers a JSON 401. A service's
 * test extends this with {@code @QuarkusTest} and its test resources, {@link LocalAuthTestResource} included.
 */
public abstract class NoEndpointAuthContract {

    @Test
    void healthAndMetricsStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(not(401));
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
