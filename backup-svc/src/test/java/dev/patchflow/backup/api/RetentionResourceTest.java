package dev.patchflow.backup.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.backup.InMemoryStackResource;
import dev.patchflow.localstack.LocalAuthTestResource;

/** The retention sweep the k8s CronJob triggers: operators only. */
@QuarkusTest
@WithTestResource(InMemoryStackResource.class)
@WithTestResource(LocalAuthTestResource.class)
class RetentionResourceTest {

    @Test
    void anOperatorTriggersOneSweepAndGetsWhatItDid() {
        given().auth().oauth2(LocalAuthTestResource.token("operator")).post("/api/retention/sweep").then()
                .statusCode(200).body("expired", equalTo(0)).body("failed", equalTo(0)).body("cutoff", notNullValue());
    }

    @Test
    void otherRolesAndAnonymousCallersAreRefused() {
        given().auth().oauth2(LocalAuthTestResource.token("viewer")).post("/api/retention/sweep").then()
                .statusCode(403);
        given().post("/api/retention/sweep").then().statusCode(401);
    }
}
