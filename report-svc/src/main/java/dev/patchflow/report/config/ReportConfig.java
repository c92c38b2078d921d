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

    /**
     * How many target views one read from MongoDB brings (reports, the target table, counting): memory per
     * request stays at about this many views whatever the size of the run. A streamed report holds about three
     * batches at a time (the driver's reply, the one read ahead, the one rendered), all young objects that every
     * minor collection copies: at 1,000 a running 100,000-target run's CSV spent 0.6–0.8 s in the collector with
     * report-svc at -Xmx256m, at 250 0.15–0.2 s, for 400 round trips to MongoDB instead of 100.
     */
    @WithDefault("250")
    int targetBatchSize();

    /** Rows per page of the dashboard's target table. */
    @WithDefault("50")
    int pageSize();

    /** The most targets one page may ask for ({@code limit} in the API, {@code size} on the dashboard). */
    @WithDefault("1000")
    int maxPageSize();

    /**
     * How often a run's live stream ({@code GET /api/runs/{id}/stream}) re-reads the run from the view store: a
     * replica does not consume every event of a run (the partitions are split across the group), so the store is
     * the truth and this bounds how late a change seen by another replica shows.
     */
    @WithDefault("1s")
    Duration streamInterval();

    /** A comment line on an idle live stream this often, so that proxies and clients keep the connection. */
    @WithDefault("15s")
    Duration streamHeartbeat();

    /**
     * Whether the reports of completed runs are written to S3. A replay (a second report-svc rebuilding every run
     * from the log into its own database) sets {@code false}: it serves the same reports from its API, stating the
     * live {@code reportLocation}, without writing into the live bucket.
     */
    @WithDefault("true")
    boolean archive();
}
