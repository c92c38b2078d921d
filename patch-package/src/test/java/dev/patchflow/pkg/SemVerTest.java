package dev.patchflow.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

class SemVerTest {

    @Test
    void ordersVersionsAsTheSemVerSpecDoes() {
        // the precedence example of semver.org §11, plus numeric (not lexical) core comparison
        List<String> ordered = List.of("1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0-rc.1",
                "2.0.0", "10.0.0");
        List<SemVer> shuffled = new ArrayList<>(ordered.stream().map(SemVer::parse).toList());
        Collections.shuffle(shuffled, new java.util.Random(42));
        Collections.sort(shuffled);
        assertThat(shuffled).map(SemVer::toString).containsExactlyElementsOf(ordered);
    }

    @Test
    void releaseIsAfterItsPreReleases() {
        assertThat(SemVer.parse("1.4.0").isAfter(SemVer.parse("1.4.0-rc.9"))).isTrue();
        assertThat(SemVer.parse("1.4.0-rc.9").isPreRelease()).isTrue();
    }

    @Test
    void buildMetadataIsIgnoredForPrecedenceAndEquality() {
        assertThat(SemVer.parse("1.2.3+build.5")).isEqualTo(SemVer.parse("1.2.3"))
                .hasSameHashCodeAs(SemVer.parse("1.2.3+other"));
        assertThat(SemVer.parse("1.2.3+build.5").toString()).isEqualTo("1.2.3+build.5");
    }

    @Test
    void numericPreReleaseIdentifiersSortBeforeAlphanumericOnes() {
        assertThat(SemVer.parse("1.0.0-1")).isLessThan(SemVer.parse("1.0.0-a"));
        assertThat(SemVer.parse("1.0.0-2")).isLessThan(SemVer.parse("1.0.0-10"));
    }

    @Test
    void rejectsWhatIsNotStrictSemVer() {
        for (String bad : List.of("1.2", "v1.2.3", "01.2.3", "1.2.3-", "1.2.3-01", "1.2.3.4", "", "latest")) {
            assertThatThrownBy(() -> SemVer.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
