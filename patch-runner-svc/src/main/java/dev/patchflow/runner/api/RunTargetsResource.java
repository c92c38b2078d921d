package dev.patchflow.runner.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.patchflow.runner.domain.RunTarget;
import dev.patchflow.runner.domain.RunTargetStore;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;

/** The runner's view of a run's dispatch state, for operators and tests. Readers: every role (docs/SECURITY.md). */
@RolesAllowed({"viewer", "operator", "approver"})
@Path("/api/runs/{runId}/targets")
@Produces(MediaType.APPLICATION_JSON)
public class RunTargetsResource {

    private final RunTargetStore store;

    public RunTargetsResource(RunTargetStore store) {
        this.store = store;
    }

    /**
     * Every target of the run the runner has received, by target id; 404 {@code {"error": …}} when it has
     * received none.
     */
    @GET
    public Response targets(@PathParam("runId") String runId) {
        List<TargetView> targets = store.findByRun(runId).stream().map(TargetView::of).toList();
        if (targets.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND)
                    .entity(Map.of("error", "the runner has no target of run " + runId))
                    .build();
        }
        return Response.ok(targets).build();
    }

    /**
     * @param state READY, RUNNING or DONE
     * @param status the outcome: a {@code PatchStatus} or {@code FAILED}; null until DONE
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TargetView(String targetId, String state, String status, String reason, Integer exitCode,
            String outputLocation, String outputTail, boolean emitted, String owner, Instant leaseUntil,
            Instant readyAt, Instant notBefore, Instant doneAt) {

        static TargetView of(RunTarget t) {
            String status = null;
            String reason = null;
            Integer exitCode = null;
            String location = null;
            String tail = null;
            if (t.outcome() instanceof PatchApplied applied) {
                status = applied.status().name();
                exitCode = applied.exitCode();
                location = applied.outputLocation();
                tail = applied.outputTail();
            } else if (t.outcome() instanceof PatchNotStarted notStarted) {
                status = notStarted.status().name();
                reason = notStarted.reason();
            } else if (t.outcome() instanceof PatchFailed failed) {
                status = "FAILED";
                reason = failed.reason();
                exitCode = failed.exitCode();
                location = failed.outputLocation();
                tail = failed.outputTail();
            }
            return new TargetView(t.targetId(), t.state().name(), status, reason, exitCode, location, tail,
                    t.emitted(), t.owner(), t.leaseUntil(), t.readyAt(), t.notBefore(), t.doneAt());
        }
    }
}
