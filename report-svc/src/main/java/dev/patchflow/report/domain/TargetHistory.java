package dev.patchflow.report.domain;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.patchflow.schemas.CloudEvent;
import dev.patchflow.schemas.events.BackupCompleted;
import dev.patchflow.schemas.events.BackupFailed;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.InstanceScanned;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchRequested;
import dev.patchflow.schemas.events.PowerStateRestored;
import dev.patchflow.schemas.events.RunControlled;
import dev.patchflow.schemas.events.RunGateChanged;
import dev.patchflow.schemas.events.RunHalted;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.ValidationFailed;
import dev.patchflow.schemas.events.ValidationPassed;

/**
 * A target's story from the events: which events go into it and what each says. A target's own events
 * (scan, restore point, patch, checks) belong to that target; the request and every operator action, halt and gate
 * change of its run belong to all the run's targets.
 * <p>
 * What is left out on purpose, so that the story holds no secret: the patch's command line and executor parameters
 * (an argument may be a password), the target's labels and install path, and any executor detail whose key names a
 * secret ({@link #SECRET_KEY}). What an executor reports as facts (command id, package digest, image, attempt, lock
 * and fencing token, adopted after a restart) is kept as it came.
 */
public final class TargetHistory {

    /** The order of the stages, for events with the same time: request, scan, backup, patch, checks, run. */
    public static final List<String> STAGES = List.of("request", "scan", "backup", "patch", "validation", "run");

    /** Keys of executor details that never go into a story, whatever their value. */
    static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|credential|private.?key|access.?key|api.?key|session.?token|auth).*");

    /** Oldest first; same time: by stage, then by event id (a fixed order for a replay). */
    public static final Comparator<HistoryEntry> ORDER = Comparator
            .comparing(HistoryEntry::at, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparingInt(HistoryEntry::stage).thenComparing(HistoryEntry::eventId);

    private TargetHistory() {
    }

    /**
     * An event's entry in a story: {@code targetId} is the target it belongs to, {@code null} for an entry of the
     * whole run (every target's story shows it).
     */
    public record Fact(String runId, String targetId, HistoryEntry entry) {
    }

    /** The entry the event adds to a story, if any. */
    public static Optional<Fact> of(CloudEvent<?> event) {
        Object data = event.data();
        String type = data.getClass().getSimpleName();
        if (data instanceof PatchRequested e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "requestedBy", e.requestedBy());
            put(facts, "requestedAt", e.requestedAt());
            if (e.patch() != null) {
                put(facts, "patch", e.patch().id() + " " + e.patch().version());
                put(facts, "executor", e.patch().executor());
            }
            if (e.options() != null) {
                put(facts, "dryRun", e.options().dryRun());
            }
            return run(e.runId(), entry(event, type, 0, "requested by " + e.requestedBy(), facts));
        }
        if (data instanceof InstanceScanned e) {
            Target t = e.target();
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "name", t.name());
            put(facts, "kind", t.kind());
            put(facts, "environment", t.environment());
            put(facts, "landingZone", t.landingZone());
            put(facts, "address", t.address());
            put(facts, "platform", t.platform());
            put(facts, "arch", t.arch());
            put(facts, "state", t.state());
            put(facts, "installedVersion", t.installedVersion());
            put(facts, "clusterId", t.clusterId());
            put(facts, "role", t.role());
            String seen = java.util.stream.Stream
                    .of(t.kind(), t.installedVersion() == null ? null : "version " + t.installedVersion(), t.state())
                    .filter(java.util.Objects::nonNull).collect(Collectors.joining(", "));
            return target(e.runId(), t.id(), entry(event, type, 1, seen.isEmpty() ? "scanned" : "scanned: " + seen,
                    facts));
        }
        if (data instanceof BackupCompleted e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "status", e.status());
            put(facts, "method", e.method());
            put(facts, "location", e.location());
            put(facts, "sha256", e.sha256());
            put(facts, "sizeBytes", e.sizeBytes());
            put(facts, "verified", e.details() == null ? null : e.details().get("verified"));
            put(facts, "note", e.note());
            put(facts, "completedAt", e.completedAt());
            details(facts, e.details());
            return target(e.runId(), e.targetId(), entry(event, type, 2, "restore point " + e.status()
                    .name().toLowerCase(Locale.ROOT) + (e.location() == null ? "" : ": " + e.location()), facts));
        }
        if (data instanceof BackupFailed e) {
            return target(e.runId(), e.targetId(),
                    entry(event, type, 2, "backup failed: " + e.reason(), Map.of("reason", e.reason())));
        }
        if (data instanceof PatchApplied e) {
            Map<String, String> facts = patchFacts(e.exitCode(), e.durationMs(), e.outputLocation(), e.outputTail(),
                    e.details());
            facts.put("status", e.status().name());
            return target(e.runId(), e.targetId(), entry(event, type, 3,
                    "patch " + e.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                            + executorSuffix(e.details()),
                    reorder(facts)));
        }
        if (data instanceof PatchFailed e) {
            Map<String, String> facts = patchFacts(e.exitCode(), e.durationMs(), e.outputLocation(), e.outputTail(),
                    e.details());
            facts.put("status", "FAILED");
            facts.put("reason", e.reason());
            return target(e.runId(), e.targetId(),
                    entry(event, type, 3, "patch failed: " + e.reason(), reorder(facts)));
        }
        if (data instanceof PatchNotStarted e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "status", e.status());
            put(facts, "reason", e.reason());
            return target(e.runId(), e.targetId(), entry(event, type, 3, e.reason(), facts));
        }
        if (data instanceof ValidationPassed e) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("status", e.skipped() ? "SKIPPED" : "PASSED");
            checks(facts, e.checks());
            return target(e.runId(), e.targetId(),
                    entry(event, type, 4, e.skipped() ? "validation skipped" : "validation passed", facts));
        }
        if (data instanceof ValidationFailed e) {
            Map<String, String> facts = new LinkedHashMap<>();
            facts.put("status", "FAILED");
            checks(facts, e.checks());
            String failed = e.failed().stream().map(c -> c.name() + (c.detail() == null ? "" : ": " + c.detail()))
                    .collect(Collectors.joining("; "));
            return target(e.runId(), e.targetId(), entry(event, type, 4, "validation failed: " + failed, facts));
        }
        if (data instanceof PowerStateRestored e) {
            // The runner stopped an instance it had started for patching again (issue #9).
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "initialState", e.initialState());
            put(facts, "state", e.state());
            facts.put("restored", String.valueOf(e.restored()));
            put(facts, "reason", e.reason());
            put(facts, "at", e.at());
            return target(e.runId(), e.targetId(), entry(event, type, 4, e.restored()
                    ? "power state restored: " + e.state()
                    : "power state not restored (" + e.state() + "): " + e.reason(), facts));
        }
        if (data instanceof RunControlled e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "action", e.action());
            put(facts, "actor", e.actor());
            put(facts, "reason", e.reason());
            return run(e.runId(), entry(event, type, 5, e.action().name().toLowerCase(Locale.ROOT) + " by "
                    + e.actor() + (e.reason() == null ? "" : ": " + e.reason()), facts));
        }
        if (data instanceof RunHalted e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "cause", e.cause());
            put(facts, "reason", e.reason());
            put(facts, "failures", e.failures());
            return run(e.runId(), entry(event, type, 5, "run halted: " + e.reason(), facts));
        }
        if (data instanceof RunGateChanged e) {
            Map<String, String> facts = new LinkedHashMap<>();
            put(facts, "gate", e.gate());
            put(facts, "state", e.state());
            put(facts, "reason", e.reason());
            put(facts, "until", e.until());
            return run(e.runId(), entry(event, type, 5, "canary gate " + e.state().name().toLowerCase(Locale.ROOT)
                    .replace('_', ' ') + (e.reason() == null ? "" : ": " + e.reason()), facts));
        }
        return Optional.empty();
    }

    private static HistoryEntry entry(CloudEvent<?> event, String type, int stage, String summary,
            Map<String, String> facts) {
        return new HistoryEntry(event.id(), event.time(), type, summary, facts, stage);
    }

    private static Optional<Fact> target(String runId, String targetId, HistoryEntry entry) {
        return Optional.of(new Fact(runId, targetId, entry));
    }

    private static Optional<Fact> run(String runId, HistoryEntry entry) {
        return Optional.of(new Fact(runId, null, entry));
    }

    private static Map<String, String> patchFacts(Integer exitCode, Long durationMs, String outputLocation,
            String outputTail, Map<String, String> details) {
        Map<String, String> facts = new LinkedHashMap<>();
        put(facts, "exitCode", exitCode);
        put(facts, "durationMs", durationMs);
        put(facts, "outputLocation", outputLocation);
        put(facts, "outputTail", outputTail);
        details(facts, details);
        return facts;
    }

    /** status and reason first, then the rest as they came. */
    private static Map<String, String> reorder(Map<String, String> facts) {
        Map<String, String> ordered = new LinkedHashMap<>();
        put(ordered, "status", facts.get("status"));
        put(ordered, "reason", facts.get("reason"));
        facts.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static String executorSuffix(Map<String, String> details) {
        String executor = details == null ? null : details.get("executor");
        return executor == null ? "" : " (" + executor + ")";
    }

    /** The executor's or backup method's facts, sorted by key, as {@code details.<key>}; secrets left out. */
    private static void details(Map<String, String> facts, Map<String, String> details) {
        if (details == null) {
            return;
        }
        new TreeMap<>(details).forEach((k, v) -> {
            if (!SECRET_KEY.matcher(k).matches()) {
                put(facts, "details." + k, v);
            }
        });
    }

    private static void checks(Map<String, String> facts, List<CheckResult> checks) {
        for (CheckResult c : checks) {
            facts.put("check." + c.name(), (c.passed() ? "passed" : "FAILED") + (c.type() == null
                    ? ""
                    : " [" + c.type()
                            + "]")
                    + (c.detail() == null ? "" : ": " + c.detail()));
        }
    }

    private static void put(Map<String, String> facts, String key, Object value) {
        if (value != null) {
            facts.put(key, value.toString());
        }
    }
}
