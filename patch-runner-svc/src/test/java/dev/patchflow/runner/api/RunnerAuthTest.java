package dev.patchflow.runner.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.runner.support.ComponentProfile;

/**
 * Who may call the runner's endpoints (docs/SECURITY.md): {@code GET /api/runs/{runId}/targets} × anonymous, each
 * role, a role-less token, a token signed by another key and an expired token. A reader that gets through sees the
 * endpoint's own answer (404 for a run the runner has not seen), never 401/403.
 */
@QuarkusTest
@TestProfile(ComponentProfile.class)
class RunnerAuthTest {

    static final String TARGETS = "/api/runs/auth-unknown/targets";

    @Test
    void everyRoleMayReadTheTargets() {
        for (String role : List.of("viewer", "operator", "approver")) {
            given().auth().oauth2(LocalAuthTestResource.token(role)).get(TARGETS).then().statusCode(404)
                    .body("error", equalTo("the runner has no target of run auth-unknown"));
        }
    }

    @Test
    void anonymousCallerGets401WithAJsonBody() {
        given().get(TARGETS).then().statusCode(401).contentType(containsString("application/json"))
                .header("WWW-Authenticate", "Bearer").body("status", equalTo(401))
                .body("error", startsWith("authentication required"));
    }

    @Test
    void tokenSignedByAnotherKeyOrExpiredGets401WithAJsonBody() {
        for (String token : List.of(LocalAuthTestResource.foreignToken("viewer"),
                LocalAuthTestResource.expiredToken("operator"))) {
            given().auth().oauth2(token).get(TARGETS).then().statusCode(401)
                    .contentType(containsString("application/json")).body("status", equalTo(401))
                    .body("error", startsWith("the bearer token was refused"));
        }
    }

    @Test
    void tokenWithoutAReadingRoleGets403NamingTheRoles() {
        String nobody = LocalAuthTestResource.auth().token("nobody", List.of("auditor"), Instant.now(),
                Duration.ofHours(1));
        given().auth().oauth2(nobody).get(TARGETS).then().statusCode(403)
                .contentType(containsString("application/json")).body("status", equalTo(403))
                .body("error", equalTo("forbidden: role viewer or operator or approver required"));
    }

    @Test
    void healthAndMetricsStayOpenAndOtherPathsNeedAToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/dev-ui").then().statusCode(401);
        given().get("/anything").then().statusCode(401);
    }
}
