package dev.patchflow.report.domain;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import dev.patchflow.report.domain.ViewStore.Stage;

/**
 * A condition on the stored facts of a target view (which stage events were seen, with which status, and the
 * target's text). A target's status and phase are derived from those facts when read ({@link TargetView}),
 * never stored; {@link TargetFilter} turns "status FAILED" or "phase PATCHED" into a condition on the facts so
 * that a store can select the targets where they are, instead of loading every view to derive and compare.
 * {@link #test(TargetView)} evaluates a condition in memory; a store translates the same tree into its query
 * language, and the tests hold both to the derivation for every combination of facts.
 */
public sealed interface TargetCondition {

    /** Matches every target. */
    TargetCondition ANY_TARGET = new All(List.of());

    boolean test(TargetView view);

    /** The stage's event was seen (for {@link Stage#SCAN}: {@code InstanceScanned}). */
    record Seen(Stage stage) implements TargetCondition {

        @Override
        public boolean test(TargetView view) {
            return switch (stage) {
                case SCAN -> view.scanned();
                case BACKUP -> view.backup() != null;
                case PATCH -> view.patch() != null;
                case VALIDATION -> view.validation() != null;
                case POWER -> view.power() != null;
            };
        }
    }

    /** The stage's event was seen with one of these statuses. */
    record StatusIn(Stage stage, Set<String> statuses) implements TargetCondition {

        public StatusIn {
            if (stage == Stage.SCAN || stage == Stage.POWER) {
                throw new IllegalArgumentException("the " + stage + " fact has no status");
            }
            statuses = Set.copyOf(statuses);
        }

        @Override
        public boolean test(TargetView view) {
            String status = switch (stage) {
                case SCAN, POWER -> null;
                case BACKUP -> view.backup() == null ? null : view.backup().status();
                case PATCH -> view.patch() == null ? null : view.patch().status();
                case VALIDATION -> view.validation() == null ? null : view.validation().status();
            };
            return status != null && statuses.contains(status);
        }
    }

    record Not(TargetCondition condition) implements TargetCondition {

        @Override
        public boolean test(TargetView view) {
            return !condition.test(view);
        }
    }

    /** Every condition holds; no condition: every target. */
    record All(List<TargetCondition> conditions) implements TargetCondition {

        public All {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean test(TargetView view) {
            return conditions.stream().allMatch(c -> c.test(view));
        }
    }

    /** At least one condition holds. */
    record Any(List<TargetCondition> conditions) implements TargetCondition {

        public Any {
            if (conditions.isEmpty()) {
                throw new IllegalArgumentException("Any needs at least one condition");
            }
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean test(TargetView view) {
            return conditions.stream().anyMatch(c -> c.test(view));
        }
    }

    /**
     * The text occurs, ignoring case, in the target's id, name, kind, environment, landing zone, installed
     * version or EC2 instance id, or in why a stage failed or was not started (backup reason, patch reason, a failed check's name
     * or detail).
     */
    record Contains(String text) implements TargetCondition {

        public Contains {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("text to search for is blank");
            }
        }

        @Override
        public boolean test(TargetView view) {
            String needle = text.toLowerCase(Locale.ROOT);
            return searchedText(view).anyMatch(s -> s != null && s.toLowerCase(Locale.ROOT).contains(needle));
        }

        private static Stream<String> searchedText(TargetView v) {
            Stream<String> identity = Stream.of(v.targetId(), v.name(), v.kind(), v.environment(), v.landingZone(),
                    v.installedVersion(), v.aws() == null ? null : v.aws().instanceId());
            Stream<String> reasons = Stream.of(v.backup() == null ? null : v.backup().reason(),
                    v.patch() == null ? null : v.patch().reason());
            Stream<String> checks = v.validation() == null
                    ? Stream.empty()
                    : v.validation().failed().stream().flatMap(c -> Stream.of(c.name(), c.detail()));
            return Stream.of(identity, reasons, checks).flatMap(s -> s);
        }
    }
}
