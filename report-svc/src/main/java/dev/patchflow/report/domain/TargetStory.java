package dev.patchflow.report.domain;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A target's timeline as {@code GET /api/runs/{id}/targets/{targetId}/history} returns it: every event the report
 * has seen for it and for its run, oldest first.
 */
@JsonPropertyOrder({"runId", "targetId", "events"})
public record TargetStory(String runId, String targetId, List<HistoryEntry> events) {
}
