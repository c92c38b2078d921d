package dev.patchflow.patchctl.report;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A target's story as report-svc's {@code GET /api/runs/{id}/targets/{targetId}/history} shows it: the events it
 * has seen for the target and its run, oldest first.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TargetStory(String runId, String targetId, List<Event> events) {

    public TargetStory {
        events = events == null ? List.of() : events;
    }

    /** One event: when, which type, what happened, and its facts in report-svc's order. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(String at, String type, String summary, Map<String, String> facts, String eventId) {

        public Event {
            facts = facts == null ? Map.of() : facts;
        }
    }

    /**
     * One block per event: {@code <time>  <type>  <summary>}, then each fact indented as {@code key: value} (a
     * multi-line value, e.g. an output tail, keeps its lines, indented further).
     */
    public void print(PrintWriter out) {
        out.println("target " + targetId + " of run " + runId + ": " + events.size() + " events");
        for (Event e : events) {
            out.println();
            out.printf("%-24s  %-18s  %s%n", e.at() == null ? "-" : e.at(), e.type(), e.summary());
            e.facts().forEach((key, value) -> out.println("    " + key + ": "
                    + (value == null ? "" : value.replace("\n", "\n" + " ".repeat(6 + key.length())))));
        }
        out.flush();
    }
}
