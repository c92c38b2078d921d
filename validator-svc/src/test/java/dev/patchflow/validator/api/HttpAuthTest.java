package dev.patchflow.validator.api;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.localstack.testing.NoEndpointAuthContract;
import dev.patchflow.validator.messaging.InMemoryChannels;

/** validator-svc has no REST endpoint of its own: health and metrics are open, every other path needs a token. */
@QuarkusTest
@WithTestResource(InMemoryChannels.class)
@WithTestResource(LocalAuthTestResource.class)
class HttpAuthTest extends NoEndpointAuthContract {
}
