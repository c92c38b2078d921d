package dev.patchflow.report.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;

import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.ReportDelivery;
import dev.patchflow.report.domain.RunQueries;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetPage;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.TargetStory;
import dev.patchflow.report.domain.format.ReportFormat;
import dev.patchflow.report.domain.format.ReportRenderer;

/**
 * The report API of PIPELINE-SEMANTICS.md, used by patchctl and the end-to-end test. A run's targets and the
 * four report files are streamed from a cursor over the view store (chunked, no Content-Length): a 100,000-target
 * run is served in the memory of one batch of views. Readers: every role (docs/SECURITY.md).
 */
@RolesAllowed({"viewer", "operator", "approver"})
@Path("/api/runs")
public class RunResource {

    private final RunQueries queries;
    private final ReportRenderer renderer;
    private final ReportConfig config;
    private final RunStreams streams;
    private final ReportDelivery delivery;

    public RunResource(RunQueries queries, ReportRenderer renderer, ReportConfig config, RunStreams streams,
            ReportDelivery delivery) {
        this.queries = queries;
        this.delivery = delivery;
        this.renderer = renderer;
        this.config = config;
        this.streams = streams;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RunReport> list() {
        return queries.list();
    }

    /**
     * The run with its targets in target id order. {@code status}, {@code phase} and {@code q} select targets;
     * without {@code limit}, {@code after} or {@code before} every selected target is streamed (the answer
     * patchctl reads), with them one page and a {@code page} object ({@code limit}, {@code previous},
     * {@code next}: the target ids to pass as {@code before} / {@code after}). {@code limit=0}: the run without
     * targets, for pollers. The run-wide {@code drift} section comes with the streamed view only, not with a page.
     */
    @GET
    @Path("{runId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("runId") String runId, @QueryParam("status") List<String> status,
            @QueryParam("phase") List<String> phase, @QueryParam("q") String text, @QueryParam("after") String after,
            @QueryParam("before") String before, @QueryParam("limit") Integer limit) {
        RunReport run = find(runId);
        TargetFilter filter = TargetParams.filter(status, phase, text);
        if (limit == null && after == null && before == null) {
            return Response.ok((StreamingOutput) out -> {
                Optional<Stream<RunReport.Drift>> drift = queries.streamDrift(run);
                try (Stream<TargetReport> targets = queries.streamTargets(runId, filter)) {
                    renderer.writeApiJson(run, drift.map(Stream::iterator).orElse(null), Map.of(), targets.iterator(),
                            out);
                } finally {
                    drift.ifPresent(Stream::close);
                }
            }, MediaType.APPLICATION_JSON).build();
        }
        TargetPage<TargetReport> page = queries.targets(runId, filter,
                TargetParams.page(after, before, limit, config.pageSize(), config.maxPageSize(), "limit"));
        Map<String, Object> pageInfo = new LinkedHashMap<>();
        pageInfo.put("limit", limit == null ? config.pageSize() : limit);
        pageInfo.put("previous", page.previous());
        pageInfo.put("next", page.next());
        // A page (or a poller's summary) leaves the run-wide drift section out: it would read the whole run.
        return Response.ok((StreamingOutput) out -> renderer.writeApiJson(run, null, Map.of("page", pageInfo),
                page.targets().iterator(), out), MediaType.APPLICATION_JSON).build();
    }

    /**
     * The run's live summary as server-sent events ({@code text/event-stream}): an event {@code run} with the run's
     * summary (the JSON of {@code GET /api/runs/{id}?limit=0}, no targets) at once and whenever it changes, a
     * {@code : heartbeat} comment when idle, and the end of the stream after the summary that shows the run
     * {@code COMPLETED} or {@code HALTED}. Read from the view store, so right behind any replica ({@link RunStreams}).
     * 404 for an unknown run.
     */
    @GET
    @Path("{runId}/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    public Multi<OutboundSseEvent> stream(@PathParam("runId") String runId, @Context Sse sse) {
        find(runId);
        return streams.stream(runId, sse);
    }

    /**
     * The target's story: every event the report has seen for it (scan, restore point, patch, checks) and for its
     * run (request, operator actions, halts, gate changes), oldest first, each with its time, type, a summary and
     * its facts. 404 when the run or the target is unknown.
     */
    @GET
    @Path("{runId}/targets/{targetId}/history")
    @Produces(MediaType.APPLICATION_JSON)
    public TargetStory history(@PathParam("runId") String runId, @PathParam("targetId") String targetId) {
        return queries.history(runId, targetId).map(events -> new TargetStory(runId, targetId, events))
                .orElseThrow(() -> new NotFoundException(Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "unknown target " + targetId + " of run " + runId, "runId", runId,
                                "targetId", targetId))
                        .build()));
    }

    @GET
    @Path("{runId}/report.csv")
    @Produces("text/csv")
    public Response csv(@PathParam("runId") String runId) {
        return report(runId, ReportFormat.CSV);
    }

    @GET
    @Path("{runId}/report.json")
    @Produces(MediaType.APPLICATION_JSON)
    public Response json(@PathParam("runId") String runId) {
        return report(runId, ReportFormat.JSON);
    }

    @GET
    @Path("{runId}/report.xml")
    @Produces(MediaType.APPLICATION_XML)
    public Response xml(@PathParam("runId") String runId) {
        return report(runId, ReportFormat.XML);
    }

    @GET
    @Path("{runId}/report.html")
    @Produces(MediaType.TEXT_HTML)
    public Response html(@PathParam("runId") String runId) {
        return report(runId, ReportFormat.HTML);
    }

    private RunReport find(String runId) {
        return queries.summary(runId).orElseThrow(() -> new NotFoundException(
                Response.status(404).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "unknown run " + runId, "runId", runId)).build()));
    }

    /**
     * Served as a download named after the run, e.g. {@code run-42-report.csv}; the unknown run is a 404 before
     * anything is streamed. A completed run's file comes from the archive when it is current, else it is rendered
     * from the views ({@link ReportDelivery}): the same bytes either way.
     */
    private Response report(String runId, ReportFormat format) {
        RunReport run = find(runId);
        StreamingOutput body = out -> delivery.write(run, format, out);
        return Response.ok(body, format.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + runId + "-" + format.fileName() + "\"")
                .build();
    }
}
