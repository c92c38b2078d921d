package dev.patchflow.report.support;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.patchflow.report.domain.BackupView;
import dev.patchflow.report.domain.PatchView;
import dev.patchflow.report.domain.TargetView;
import dev.patchflow.report.domain.ValidationView;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.PatchNotStarted;
import dev.patchflow.schemas.events.PatchStatus;

/**
 * Every combination of stage facts a target view can hold (no backup / each backup status, no patch / each
 * patch, failure and not-started status, no validation / each validation status): 4 × 11 × 4 = 176 views, with
 * ids {@code c-000}… in combination order and a reason, where a stage failed, that names the combination.
 */
public final class TargetFacts {

    public static final List<String> BACKUP = Arrays.asList(null, BackupView.COMPLETED, BackupView.SKIPPED,
            BackupView.FAILED);
    public static final List<String> PATCH = Stream.of(Stream.of((String) null),
            Arrays.stream(PatchStatus.values()).map(Enum::name), Stream.of(PatchView.FAILED),
            Arrays.stream(PatchNotStarted.NotStartedStatus.values()).map(Enum::name)).flatMap(s -> s).toList();
    public static final List<String> VALIDATION = Arrays.asList(null, ValidationView.PASSED, ValidationView.SKIPPED,
            ValidationView.FAILED);

    private TargetFacts() {
    }

    public static List<TargetView> everyCombination() {
        List<TargetView> views = new ArrayList<>();
        for (String b : BACKUP) {
            for (String p : PATCH) {
                for (String v : VALIDATION) {
                    views.add(view(String.format("c-%03d", views.size()), b, p, v));
                }
            }
        }
        return views;
    }

    public static TargetView view(String id, String backup, String patch, String validation) {
        String combination = backup + "/" + patch + "/" + validation;
        BackupView b = backup == null
                ? null
                : new BackupView(backup, null, null, null, null,
                        BackupView.FAILED.equals(backup) ? "disk full " + combination : null);
        PatchView p = patch == null
                ? null
                : new PatchView(patch, 0, PatchView.FAILED.equals(patch) || isNotStarted(patch)
                        ? "exit code 3 " + combination
                        : null, null, null, 10L, Map.of("executor", "process"));
        CheckResult bad = new CheckResult("health", "command", false, "not listening " + combination);
        ValidationView v = validation == null
                ? null
                : new ValidationView(validation, List.of(bad),
                        ValidationView.FAILED.equals(validation) ? List.of(bad) : List.of());
        return new TargetView(id, "name of " + id, "directory", "dev", "lz-" + (id.hashCode() % 3), "1.0.0", true, b,
                p, v);
    }

    private static boolean isNotStarted(String status) {
        return Arrays.stream(PatchNotStarted.NotStartedStatus.values()).anyMatch(s -> s.name().equals(status));
    }
}
