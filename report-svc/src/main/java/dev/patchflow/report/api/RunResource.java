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

import dev.patchflow.report.domain.RunQueries;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.format.ReportRenderer;

/** The report API of PIPELINE-SEMANTICS.md, used by patchctl and the end-to-end test. */
/** Readers: every role (docs/SECURITY.md). */
@RolesAllowed({"viewer", "operator", "approver"})
@Path("/api/runs")
public class RunResource {

    private final RunQueries queries;
    private final ReportRenderer renderer;

    public RunResource(RunQueries queries, ReportRenderer renderer) {
        this.queries = queries;
        this.renderer = renderer;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RunReport> list() {
        return queries.list();
    }

    @GET
    @Path("{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    public RunReport get(@PathParam("runId") String runId) {
        return find(runId);
    }

    @GET
    @Path("{runId}/report.csv")
    @Produces("text/csv")
    public Response csv(@PathParam("runId") String runId) {
        return file(runId, ReportRenderer.CSV, ReportRenderer.CSV_TYPE, renderer.csv(find(runId)));
    }

    @GET
    @Path("{runId}/report.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response json(@PathParam("runId") String runId) {
        return file(runId, ReportRenderer.JSON, ReportRenderer.JSON_TYPE, renderer.json(find(runId)));
    }

    @GET
    @Path("{runId}/report.xml")
    @Produces(MediaType.APPLICATION_XML)
    public Response xml(@PathParam("runId") String runId) {
        return file(runId, ReportRenderer.XML, ReportRenderer.XML_TYPE, renderer.xml(find(runId)));
    }

    @GET
    @Path("{runId}/report.html")
    @Produces(MediaType.TEXT_HTML)
    public Response html(@PathParam("runId") String runId) {
        return file(runId, ReportRenderer.HTML, ReportRenderer.HTML_TYPE, renderer.html(find(runId)));
    }

    private RunReport find(String runId) {
        return queries.get(runId).orElseThrow(() -> new NotFoundException(
                Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "unknown run " + runId, "runId", runId)).build()));
    }

    /** Served as a download named after the run, e.g. {@code run-42-report.csv}. */
    private static Response file(String runId, String name, String type, byte[] content) {
        return Response.ok(content, type)
                .header("Content-Disposition", "attachment; filename=\"" + runId + "-" + name + "\"").build();
    }
}
