package dev.patchflow.report.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.patchflow.report.domain.TargetCondition.All;
import dev.patchflow.report.domain.TargetCondition.Any;
import dev.patchflow.report.domain.TargetCondition.Contains;
import dev.patchflow.report.domain.TargetCondition.Not;
import dev.patchflow.report.domain.TargetCondition.Seen;
import dev.patchflow.report.domain.TargetCondition.StatusIn;
import dev.patchflow.report.domain.ViewStore.Stage;
import dev.patchflow.schemas.events.PatchNotStarted;

/**
 * Which targets of a run to show: one of {@code statuses} (none given: any), one of {@code phases} (none
 * given: any), and {@code text} as {@link TargetCondition.Contains} searches it (blank: any).
 */
public record TargetFilter(Set<TargetStatus> statuses, Set<TargetPhase> phases, String text) {

    public static final TargetFilter ALL = new TargetFilter(Set.of(), Set.of(), null);

    /** What {@link PatchView#notStarted()} accepts: the runner ended the target without starting it. */
    private static final Set<String> NEVER_STARTED = Arrays.stream(PatchNotStarted.NotStartedStatus.values())
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> CANCELLED = Set.of(PatchNotStarted.NotStartedStatus.CANCELLED.name());
    private static final Set<String> NOT_STARTED = NEVER_STARTED.stream().filter(s -> !CANCELLED.contains(s))
            .collect(Collectors.toUnmodifiableSet());

    private static final TargetCondition ANY_STAGE_FAILED = new Any(List.of(
            new StatusIn(Stage.BACKUP, Set.of(BackupView.FAILED)), new StatusIn(Stage.PATCH, Set.of(PatchView.FAILED)),
            new StatusIn(Stage.VALIDATION, Set.of(ValidationView.FAILED))));
    private static final TargetCondition NOTHING_FAILED = new Not(ANY_STAGE_FAILED);

    public TargetFilter {
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        phases = phases == null || phases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(phases));
        text = text == null || text.isBlank() ? null : text.strip();
    }

    /** Whether the filter lets every target through. */
    public boolean isAll() {
        return statuses.isEmpty() && phases.isEmpty() && text == null;
    }

    /** Evaluated on a view in memory: the derived status and phase, and the text. */
    public boolean matches(TargetView view) {
        return (statuses.isEmpty() || statuses.contains(view.status()))
                && (phases.isEmpty() || phases.contains(view.phase()))
                && (text == null || new Contains(text).test(view));
    }

    /**
     * The same filter as a condition on the stored facts, for a store to evaluate where the views live. It
     * selects exactly the targets {@link #matches} accepts (TargetFilterTest checks every combination of facts).
     */
    public TargetCondition condition() {
        List<TargetCondition> all = new ArrayList<>();
        if (!statuses.isEmpty()) {
            all.add(anyOf(statuses.stream().sorted().map(TargetFilter::status).toList()));
        }
        if (!phases.isEmpty()) {
            all.add(anyOf(phases.stream().sorted().map(TargetFilter::phase).toList()));
        }
        if (text != null) {
            all.add(new Contains(text));
        }
        return all.size() == 1 ? all.get(0) : new All(all);
    }

    /** {@link TargetView#status()} as a condition on the facts. */
    static TargetCondition status(TargetStatus status) {
        Seen validated = new Seen(Stage.VALIDATION);
        return switch (status) {
            case FAILED -> ANY_STAGE_FAILED;
            // not terminal: never started by the runner, no validation seen (a failed patch is a failure)
            case PENDING -> new All(List.of(NOTHING_FAILED, new Not(new StatusIn(Stage.PATCH, NEVER_STARTED)),
                    new Not(validated)));
            case CANCELLED -> new All(List.of(NOTHING_FAILED, new StatusIn(Stage.PATCH, CANCELLED)));
            case NOT_STARTED -> new All(List.of(NOTHING_FAILED, new StatusIn(Stage.PATCH, NOT_STARTED)));
            // validated, and the patch applied or not seen yet (ValidationPassed overtook PatchApplied)
            case SUCCEEDED -> new All(List.of(NOTHING_FAILED, validated,
                    new Any(List.of(new Not(new Seen(Stage.PATCH)), new StatusIn(Stage.PATCH, Set.of("APPLIED"))))));
            case ALREADY_APPLIED, DRY_RUN, SKIPPED -> new All(
                    List.of(NOTHING_FAILED, validated, new StatusIn(Stage.PATCH, Set.of(status.name()))));
        };
    }

    /** {@link TargetView#phase()} as a condition on the facts: the most advanced stage seen. */
    static TargetCondition phase(TargetPhase phase) {
        Seen validation = new Seen(Stage.VALIDATION);
        Seen patch = new Seen(Stage.PATCH);
        Seen backup = new Seen(Stage.BACKUP);
        return switch (phase) {
            case FAILED -> ANY_STAGE_FAILED;
            case VALIDATED -> new All(List.of(NOTHING_FAILED, validation));
            case PATCHED -> new All(List.of(NOTHING_FAILED, new Not(validation), patch));
            case BACKED_UP -> new All(List.of(NOTHING_FAILED, new Not(validation), new Not(patch), backup));
            case SCANNED -> new All(List.of(NOTHING_FAILED, new Not(validation), new Not(patch), new Not(backup)));
        };
    }

    private static TargetCondition anyOf(List<TargetCondition> conditions) {
        return conditions.size() == 1 ? conditions.get(0) : new Any(conditions);
    }
}
