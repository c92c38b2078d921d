package dev.patchflow.report.domain;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.patchflow.report.config.ReportConfig;

/** Read side: the run list and one run with its targets, as the API and the dashboard show them. */
@ApplicationScoped
public class RunQueries {

    private final ViewStore store;
    private final ReportConfig config;

    public RunQueries(ViewStore store, ReportConfig config) {
        this.store = store;
        this.config = config;
    }

    /**
     * Newest first. A completed run shows the counts frozen at completion; a run in progress is counted
     * from its target views (one query per run in progress, never per completed run).
     */
    public List<RunReport> list() {
        return store.runs(config.listLimit()).stream()
                .map(run -> RunRules.summary(run,
                        run.counts() != null ? run.counts() : ViewCounts.of(store.targets(run.runId())), null))
                .toList();
    }

    public Optional<RunReport> get(String runId) {
        return store.run(runId).map(run -> RunRules.report(run, store.targets(runId)));
    }
}
