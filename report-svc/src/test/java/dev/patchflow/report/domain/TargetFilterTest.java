package dev.patchflow.report.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.patchflow.report.support.TargetFacts;

/**
 * Status and phase are derived from the stage facts when a view is read; the filter's condition on the facts
 * (what a store evaluates) must select exactly the targets whose derived status / phase is asked for.
 */
class TargetFilterTest {

    static final List<TargetView> EVERY_COMBINATION = TargetFacts.everyCombination();

    @Test
    void statusConditionSelectsExactlyTheTargetsWithThatDerivedStatus() {
        for (TargetStatus status : TargetStatus.values()) {
            TargetCondition condition = TargetFilter.status(status);
            for (TargetView view : EVERY_COMBINATION) {
                assertThat(condition.test(view)).as("%s for %s", status, view).isEqualTo(view.status() == status);
            }
        }
    }

    @Test
    void phaseConditionSelectsExactlyTheTargetsWithThatDerivedPhase() {
        for (TargetPhase phase : TargetPhase.values()) {
            TargetCondition condition = TargetFilter.phase(phase);
            for (TargetView view : EVERY_COMBINATION) {
                assertThat(condition.test(view)).as("%s for %s", phase, view).isEqualTo(view.phase() == phase);
            }
        }
    }

    @Test
    void everyCombinationOfFactsHasOneStatusAndOnePhase() {
        for (TargetView view : EVERY_COMBINATION) {
            assertThat(List.of(TargetStatus.values())).filteredOn(s -> TargetFilter.status(s).test(view)).hasSize(1);
            assertThat(List.of(TargetPhase.values())).filteredOn(p -> TargetFilter.phase(p).test(view)).hasSize(1);
        }
    }

    @Test
    void combinedFilterAsAConditionAgreesWithMatchingTheDerivedValues() {
        List<TargetFilter> filters = List.of(TargetFilter.ALL,
                new TargetFilter(Set.of(TargetStatus.FAILED, TargetStatus.PENDING), Set.of(), null),
                new TargetFilter(Set.of(), Set.of(TargetPhase.PATCHED, TargetPhase.BACKED_UP), null),
                new TargetFilter(Set.of(TargetStatus.SUCCEEDED), Set.of(TargetPhase.VALIDATED), "C-01"),
                new TargetFilter(Set.of(), Set.of(), "disk FULL"), new TargetFilter(Set.of(), Set.of(), "  "));
        for (TargetFilter filter : filters) {
            for (TargetView view : EVERY_COMBINATION) {
                assertThat(filter.condition().test(view)).as("%s for %s", filter, view).isEqualTo(filter.matches(view));
            }
        }
    }

    @Test
    void textMatchesIdentityAndFailureReasonsIgnoringCase() {
        TargetView failedCheck = TargetFacts.view("web-01", null, "APPLIED", ValidationView.FAILED);
        TargetView failedBackup = TargetFacts.view("db-02", BackupView.FAILED, PatchView.FAILED, null);

        assertThat(new TargetFilter(Set.of(), Set.of(), "WEB").matches(failedCheck)).isTrue();
        assertThat(new TargetFilter(Set.of(), Set.of(), "not listening").matches(failedCheck)).isTrue();
        assertThat(new TargetFilter(Set.of(), Set.of(), "Disk Full").matches(failedBackup)).isTrue();
        assertThat(new TargetFilter(Set.of(), Set.of(), "disk full").matches(failedCheck)).isFalse();
        // regular-expression characters are plain text
        assertThat(new TargetFilter(Set.of(), Set.of(), "web.*").matches(failedCheck)).isFalse();
        assertThat(new TargetFilter(Set.of(), Set.of(), "  ").isAll()).isTrue();
    }
}
