package dev.patchflow.scanner.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.patchflow.scanner.messaging.EventPublisher;
import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.EventJson;
import dev.patchflow.schemas.EventSchemas;
import dev.patchflow.schemas.EventType;
import dev.patchflow.schemas.events.PatchRequested;

/**
 * An operator requests a run over HTTP: the body is a {@code PatchRequested} (the contract's schema), published to
 * {@code patchflow.requests} exactly as if {@code patchctl} had produced it, and consumed by this same service.
 */
@Path("/api/runs")
public class RunRequestResource {

    private final EventPublisher publisher;

    public RunRequestResource(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * 202 {@code {"runId", "eventId"}} once the broker has the request; 400 {@code {"error", "status", "errors"}} naming
     * every schema violation. The run is attributed to the caller: {@code requestedBy} is the token's principal, and
     * {@code requestedAt} defaults to now.
     */
    @POST
    @RolesAllowed("operator")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response request(String body, SecurityContext security) {
        JsonNode json;
        try {
            json = EventJson.mapper().readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            return invalid(List.of("the body is not JSON: " + e.getOriginalMessage()));
        }
        if (!(json instanceof ObjectNode request)) {
            return invalid(List.of("the body must be a JSON object (a PatchRequested)"));
        }
        request.put("requestedBy", security.getUserPrincipal().getName());
        if (!request.hasNonNull("requestedAt")) {
            request.put("requestedAt", Instant.now().toString());
        }
        List<String> errors = EventSchemas.instance().errors(EventType.PATCH_REQUESTED, request);
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        PatchRequested requested;
        try {
            requested = EventJson.mapper().treeToValue(request, PatchRequested.class);
        } catch (JsonProcessingException e) {
            return invalid(List.of(e.getOriginalMessage()));
        }
        CloudEvent<PatchRequested> event = publisher.publishRequest(requested);
        return Response.accepted(Map.of("runId", requested.runId(), "eventId", event.id())).build();
    }

    private static Response invalid(List<String> errors) {
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(Map.of("status", 400, "error",
                "the body is not a valid PatchRequested: " + String.join("; ", errors), "errors", errors)).build();
    }
}
