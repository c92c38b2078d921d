package dev.patchflow.report.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.RunQueries;
import dev.patchflow.report.domain.RunReport;

/** The live dashboard: server-rendered Qute pages, no external assets, meta refresh while a run is open. */
/** Readers: every role (docs/SECURITY.md). */
@RolesAllowed({"viewer", "operator", "approver"})
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

    private final RunQueries queries;
    private final ReportConfig config;
    private final Template dashboard;
    private final Template run;

    public DashboardResource(RunQueries queries, ReportConfig config, @Location("dashboard.html") Template dashboard,
            @Location("run.html") Template run) {
        this.queries = queries;
        this.config = config;
        this.dashboard = dashboard;
        this.run = run;
    }

    @GET
    public TemplateInstance index() {
        List<RunReport> runs = queries.list();
        return dashboard.data("runs", runs).data("refresh", runs.stream().anyMatch(RunReport::inProgress))
                .data("refreshSeconds", config.dashboardRefreshSeconds());
    }

    @GET
    @Path("dashboard")
    public TemplateInstance dashboard() {
        return index();
    }

    @GET
    @Path("runs/{runId}")
    public TemplateInstance run(@PathParam("runId") String runId) {
        RunReport report = queries.get(runId).orElseThrow(() -> new NotFoundException(Response.status(404)
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "unknown run " + runId)).build()));
        return run.data("run", report).data("refreshSeconds", config.dashboardRefreshSeconds());
    }
}
