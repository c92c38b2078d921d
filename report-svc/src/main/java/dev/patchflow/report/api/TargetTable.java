package dev.patchflow.report.api;

import java.util.List;

import dev.patchflow.report.domain.TargetReport;

/**
 * The run page's target table: one page of targets, the filter that selected them (to fill the form) and the
 * links to the first, previous and next page, which keep the filter.
 *
 * @param previousUrl {@code null} on the first page
 * @param nextUrl {@code null} on the last page
 */
public record TargetTable(List<TargetReport> targets, List<Option> statuses, List<Option> phases, String text,
        int size, boolean filtered, String clearUrl, String firstUrl, String previousUrl, String nextUrl) {

    /** An entry of a filter's drop-down. */
    public record Option(String value, boolean selected) {
    }

    public String firstShown() {
        return targets.isEmpty() ? null : targets.get(0).targetId();
    }

    public String lastShown() {
        return targets.isEmpty() ? null : targets.get(targets.size() - 1).targetId();
    }
}
