package dev.patchflow.report.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

import dev.patchflow.localstack.LocalAuthTestResource;

/**
 * Every REST-assured request of a test carries a viewer's token: for tests about what the API answers, not who may
 * ask it ({@code AuthMatrixTest} covers that). {@code @ExtendWith(AsViewer.class)}.
 */
public final class AsViewer implements BeforeEachCallback, AfterEachCallback {

    @Override
    public void beforeEach(ExtensionContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder()
                .addHeader("Authorization", "Bearer " + LocalAuthTestResource.token("viewer")).build();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RestAssured.requestSpecification = null;
    }
}
