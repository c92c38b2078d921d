package dev.patchflow.backup.api;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.patchflow.backup.adapters.scheduler.RetentionJob;
import dev.patchflow.backup.domain.RetentionSweeper;

/**
 * {@code POST /api/retention/sweep} (role {@code operator}): one retention sweep now. On Kubernetes the
 * {@code backup-retention-sweep} CronJob calls it, so one caller sweeps instead of every replica on its own schedule.
 */
@Path("/api/retention/sweep")
public class RetentionResource {

    private final RetentionJob job;

    @Inject
    public RetentionResource(RetentionJob job) {
        this.job = job;
    }

    @POST
    @RolesAllowed("operator")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> sweep() {
        RetentionSweeper.Sweep sweep = job.sweepNow();
        return Map.of("cutoff", sweep.cutoff().toString(), "expired", sweep.expired(), "failed", sweep.failed());
    }
}
