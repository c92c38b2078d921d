package dev.patchflow.backup.api;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.patchflow.backup.InMemoryStackResource;
import dev.patchflow.localstack.LocalAuthTestResource;
import dev.patchflow.localstack.testing.NoEndpointAuthContract;

/** backup-svc has no REST endpoint of its own: health and metrics are open, every other path needs a token. */
@QuarkusTest
@WithTestResource(InMemoryStackResource.class)
@WithTestResource(LocalAuthTestResource.class)
class HttpAuthTest extends NoEndpointAuthContract {
}
