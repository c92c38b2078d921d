package dev.patchflow.report.support;

import java.time.Duration;

import dev.patchflow.report.config.ReportConfig;

/** The defaults of {@link ReportConfig}, for tests that do not boot the application. */
public class TestConfig implements ReportConfig {

    @Override
    public String database() {
        return "report";
    }

    @Override
    public String source() {
        return "/patchflow/report-svc";
    }

    @Override
    public Duration reconcileIdle() {
        return Duration.ofSeconds(3);
    }

    @Override
    public String reconcileInterval() {
        return "2s";
    }

    @Override
    public Duration completionTimeout() {
        return Duration.ofSeconds(30);
    }

    @Override
    public int dashboardRefreshSeconds() {
        return 3;
    }

    @Override
    public int listLimit() {
        return 200;
    }

    @Override
    public int targetBatchSize() {
        return 1000;
    }

    @Override
    public int pageSize() {
        return 50;
    }

    @Override
    public int maxPageSize() {
        return 1000;
    }

    @Override
    public Duration streamInterval() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Duration streamHeartbeat() {
        return Duration.ofSeconds(15);
    }

    @Override
    public boolean archive() {
        return true;
    }
}
