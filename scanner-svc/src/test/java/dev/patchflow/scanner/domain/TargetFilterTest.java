package dev.patchflow.scanner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.patchflow.schemas.events.Target;
import dev.patchflow.schemas.events.TargetSelector;

class TargetFilterTest {

    private static final List<Target> FLEET = List.of(
            target("web-1", "dev", "lz-a", Map.of("tier", "web", "team", "blue")),
            target("web-2", "PROD", "lz-b", Map.of("tier", "web")),
            target("db-1", "dev", "lz-b", Map.of("tier", "db", "team", "blue")),
            target("bare", null, null, Map.of()));

    @Test
    void selectsEverythingWhenTheSelectorHasNoCriteria() {
        assertThat(ids(new TargetSelector("static", "x", null, null, null))).containsExactly("web-1", "web-2", "db-1",
                "bare");
    }

    @Test
    void matchesEnvironmentIgnoringCase() {
        assertThat(ids(new TargetSelector("static", "x", "prod", null, null))).containsExactly("web-2");
        assertThat(ids(new TargetSelector("static", "x", "DEV", null, null))).containsExactly("web-1", "db-1");
    }

    @Test
    void matchesAnyOfTheLandingZones() {
        assertThat(ids(new TargetSelector("static", "x", null, List.of("lz-b", "lz-z"), null))).containsExactly("web-2",
                "db-1");
    }

    @Test
    void requiresAllTheLabels() {
        assertThat(ids(new TargetSelector("static", "x", null, null, Map.of("tier", "web", "team", "blue"))))
                .containsExactly("web-1");
        assertThat(ids(new TargetSelector("static", "x", null, null, Map.of("team", "blue")))).containsExactly("web-1",
                "db-1");
    }

    @Test
    void combinesAllCriteria() {
        assertThat(ids(new TargetSelector("static", "x", "dev", List.of("lz-b"), Map.of("tier", "db"))))
                .containsExactly("db-1");
        assertThat(ids(new TargetSelector("static", "x", "dev", List.of("lz-a"), Map.of("tier", "db")))).isEmpty();
    }

    private static List<String> ids(TargetSelector selector) {
        return TargetFilter.select(selector, FLEET).stream().map(Target::id).toList();
    }

    private static Target target(String id, String environment, String landingZone, Map<String, String> labels) {
        return new Target(id, id, "static", environment, landingZone, labels, null, null, null, null, null, null, null,
                null);
    }
}
