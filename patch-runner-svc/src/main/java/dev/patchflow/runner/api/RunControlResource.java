package dev.patchflow.runner.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.security.identity.SecurityIdentity;

import dev.patchflow.runner.domain.Dispatcher;
import dev.patchflow.runner.domain.rollout.RolloutScheduler;
import dev.patchflow.runner.domain.rollout.RolloutState;
import dev.patchflow.runner.domain.rollout.RolloutStore;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunControlled.RunControlAction;

/**
 * Run control: {@code POST /api/runs/{id}/approve | halt | resume | cancel} (this service owns run scheduling)
 * and {@code GET /api/runs/{id}/rollout}. Each action is recorded, emitted as {@code RunControlled} on
 * {@code patchflow.runs}, and answered 202 with the event; 404 for a run the runner has not seen, 409 when the
 * action does not apply (approve without a waiting manual gate, resume of a run that is not halted, anything on
 * a cancelled run). The reason comes from {@code ?reason=}.
 */
@Path("/api/runs/{runId}")
@Produces(MediaType.APPLICATION_JSON)
public class RunControlResource {

    private final RolloutScheduler scheduler;
    private final Dispatcher dispatcher;
    private final SecurityIdentity identity;

    public RunControlResource(RolloutScheduler scheduler, Dispatcher dispatcher, SecurityIdentity identity) {
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.identity = identity;
    }

    @POST
    @Path("/approve")
    @RolesAllowed("approver")
    public Response approve(@PathParam("runId") String runId, @QueryParam("reason") String reason) {
        return control(runId, RunControlAction.APPROVE, reason);
    }

    @POST
    @Path("/halt")
    @RolesAllowed("operator")
    public Response halt(@PathParam("runId") String runId, @QueryParam("reason") String reason) {
        return control(runId, RunControlAction.HALT, reason);
    }

    @POST
    @Path("/resume")
    @RolesAllowed("operator")
    public Response resume(@PathParam("runId") String runId, @QueryParam("reason") String reason) {
        return control(runId, RunControlAction.RESUME, reason);
    }

    @POST
    @Path("/cancel")
    @RolesAllowed("operator")
    public Response cancel(@PathParam("runId") String runId, @QueryParam("reason") String reason) {
        return control(runId, RunControlAction.CANCEL, reason);
    }

    /** The run's rollout state: policy progress, gate, halt, and the history of run-level events. */
    @GET
    @Path("/rollout")
    // Reading the rollout state is for every role (docs/SECURITY.md); unannotated endpoints are denied.
    @RolesAllowed({"viewer", "operator", "approver"})
    public Response rollout(@PathParam("runId") String runId) {
        return scheduler.view(runId)
                .map(loaded -> Response.ok(RolloutView.of(loaded)).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "the runner has not received any target of run " + runId))
                        .build());
    }

    private Response control(String runId, RunControlAction action, String queryReason) {
        String reason = queryReason == null || queryReason.isBlank() ? null : queryReason;
        String actor = identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
        RolloutScheduler.ControlResult result = scheduler.control(runId, action, actor, reason);
        return switch (result.status()) {
            case APPLIED -> {
                dispatcher.wake();
                yield Response.accepted(result.event()).build();
            }
            case NOT_FOUND -> Response.status(Response.Status.NOT_FOUND).entity(Map.of("error", result.message()))
                    .build();
            case CONFLICT -> Response.status(Response.Status.CONFLICT).entity(Map.of("error", result.message()))
                    .build();
        };
    }

    /** What GET /rollout answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RolloutView(String runId, String strategy, int arrived, int started, int inFlight, int finished,
            int failed, int verified, List<String> canary, boolean halted, String haltCause, String haltReason,
            boolean cancelled, String cancelReason, String gate, Instant gateUntil, int failureBaseline,
            List<Map<String, Object>> history) {

        static RolloutView of(RolloutStore.Loaded loaded) {
            RolloutState s = loaded.state();
            List<Map<String, Object>> history = loaded.history().stream().map(RolloutView::entry).toList();
            return new RolloutView(loaded.run().runId(), loaded.run().options().rollout().strategy(), s.arrived(),
                    s.started(), s.inFlight().size(), s.finished(), s.failed(), s.verified(),
                    s.canary().stream().sorted().toList(), s.halted(),
                    s.haltKind() == null ? null : s.haltKind().name(), s.haltReason(), s.cancelled(),
                    s.cancelReason(), s.gateState(), s.gateUntil(), s.failureBaseline(), history);
        }

        private static Map<String, Object> entry(PatchflowEvent e) {
            return Map.of("type", e.getClass().getSimpleName(), "event", e);
        }
    }
}
