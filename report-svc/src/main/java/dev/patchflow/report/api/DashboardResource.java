package dev.patchflow.report.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

import dev.patchflow.report.config.ReportConfig;
import dev.patchflow.report.domain.RunQueries;
import dev.patchflow.report.domain.RunReport;
import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetPage;
import dev.patchflow.report.domain.TargetPageRequest;
import dev.patchflow.report.domain.TargetPhase;
import dev.patchflow.report.domain.TargetReport;
import dev.patchflow.report.domain.TargetStatus;

/**
 * The live dashboard: server-rendered Qute pages, no external assets, meta refresh while a run is open. A run's
 * page shows one page of its target table at a time ({@code size} rows in target id order, keyset links), filtered
 * by {@code status}, {@code phase} and {@code q}: the page costs the same for 10 targets and for 100,000.
 * Readers: every role (docs/SECURITY.md).
 */
@RolesAllowed({"viewer", "operator", "approver"})
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

    private final RunQueries queries;
    private final ReportConfig config;
    private final Template dashboard;
    private final Template run;
    private final Template target;

    public DashboardResource(RunQueries queries, ReportConfig config, @Location("dashboard.html") Template dashboard,
            @Location("run.html") Template run, @Location("target.html") Template target) {
        this.queries = queries;
        this.config = config;
        this.dashboard = dashboard;
        this.run = run;
        this.target = target;
    }

    /** A target's story (the drill-down of a row of the run's target table). */
    @GET
    @Path("runs/{runId}/targets/{targetId}")
    public TemplateInstance target(@PathParam("runId") String runId, @PathParam("targetId") String targetId) {
        RunReport report = queries.summary(runId).orElseThrow(() -> new NotFoundException(Response.status(404)
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "unknown run " + runId)).build()));
        var events = queries.history(runId, targetId).orElseThrow(() -> new NotFoundException(Response.status(404)
                .type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "unknown target " + targetId + " of run " + runId)).build()));
        return target.data("run", report).data("targetId", targetId).data("events", events);
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
    public TemplateInstance run(@PathParam("runId") String runId, @QueryParam("status") List<String> status,
            @QueryParam("phase") List<String> phase, @QueryParam("q") String text, @QueryParam("after") String after,
            @QueryParam("before") String before, @QueryParam("size") Integer size) {
        RunReport report = queries.summary(runId).orElseThrow(() -> new NotFoundException(Response.status(404)
                .type(MediaType.APPLICATION_JSON).entity(Map.of("error", "unknown run " + runId)).build()));
        TargetFilter filter = TargetParams.filter(status, phase, text);
        TargetPageRequest request = TargetParams.page(after, before, size, config.pageSize(), config.maxPageSize(),
                "size");
        TargetPage<TargetReport> page = queries.targets(runId, filter, request);
        return run.data("run", report).data("table", table(runId, filter, request.size(), page))
                .data("refreshSeconds", config.dashboardRefreshSeconds());
    }

    private TargetTable table(String runId, TargetFilter filter, int size, TargetPage<TargetReport> page) {
        String path = "/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
        Map<String, String> kept = new LinkedHashMap<>(TargetParams.query(filter));
        if (size != config.pageSize()) {
            kept.put("size", Integer.toString(size));
        }
        return new TargetTable(page.targets(), options(TargetStatus.values(), filter.statuses()),
                options(TargetPhase.values(), filter.phases()), filter.text(), size, !filter.isAll(),
                TargetParams.url(path, Map.of()), TargetParams.url(path, kept),
                page.previous() == null ? null : TargetParams.url(path, with(kept, "before", page.previous())),
                page.next() == null ? null : TargetParams.url(path, with(kept, "after", page.next())));
    }

    private static List<TargetTable.Option> options(Enum<?>[] values, Set<? extends Enum<?>> selected) {
        return Arrays.stream(values).map(v -> new TargetTable.Option(v.name(), selected.contains(v))).toList();
    }

    private static Map<String, String> with(Map<String, String> query, String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(query);
        copy.put(key, value);
        return copy;
    }
}
