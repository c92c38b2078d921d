package dev.patchflow.report.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of report-svc ({@code patchflow.report.*}). */
@ConfigMapping(prefix = "patchflow.report")
public interface ReportConfig {

    /** MongoDB database holding the run and target views. */
    @WithDefault("report")
    String database();

    /** {@code ce_source} of the events this service emits. */
    @WithDefault("/patchflow/report-svc")
    String source();

    /**
     * A RUNNING run untouched for this long is recounted from its target views, so that a crash between
     * "target marked terminal" and "run counter incremented" cannot stall the run.
     */
    @WithDefault("3s")
    Duration reconcileIdle();

    /** How often the reconciler runs (a Quarkus scheduler period). */
    @WithDefault("2s")
    String reconcileInterval();

    /**
     * A run left in COMPLETING for this long (the instance finishing it crashed) is finished again by the
     * reconciler: same report files, same RunCompleted event id.
     */
    @WithDefault("30s")
    Duration completionTimeout();

    /** Seconds between dashboard refreshes while a run is in progress. */
    @WithDefault("3")
    int dashboardRefreshSeconds();

    /** How many runs the run list (API and dashboard) shows, newest first. */
    @WithDefault("200")
    int listLimit();
}
