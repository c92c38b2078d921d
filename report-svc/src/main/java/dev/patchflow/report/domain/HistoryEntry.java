package dev.patchflow.report.domain;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One event in a target's story ({@code GET /api/runs/{id}/targets/{targetId}/history}).
 *
 * @param eventId the CloudEvent id: the entry is stored once per id, so a redelivery adds nothing
 * @param at the event's time ({@code ce_time}), as its emitter set it
 * @param type the event type ({@code InstanceScanned}, {@code BackupCompleted}, …)
 * @param summary one line an operator reads
 * @param facts what the event says, in a fixed order, as text (no secret: see {@link TargetHistory})
 * @param stage the pipeline stage, which orders events of the same instant ({@link TargetHistory#STAGES})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"at", "type", "summary", "facts", "eventId"})
public record HistoryEntry(String eventId, Instant at, String type, String summary, Map<String, String> facts,
        @com.fasterxml.jackson.annotation.JsonIgnore int stage) {

    public HistoryEntry {
        facts = facts == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }
}
