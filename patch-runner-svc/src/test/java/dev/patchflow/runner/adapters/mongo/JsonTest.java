package dev.patchflow.runner.adapters.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

class JsonTest {

    private static RunContext run(String runId, boolean dryRun) {
        return Fixtures.run(runId, Fixtures.patch("p", "1.0.0", "process", List.of("true"), 60), dryRun, Phases.ALL,
                "10");
    }

    @Test
    void aStoredRunContextReadsBackAsItWasWrittenEveryTime() {
        RunContext run = run("run-json-1", false);
        String stored = Json.write(run);

        assertThat(Json.readRun(stored)).isEqualTo(run);
        assertThat(Json.readRun(new String(stored))).isEqualTo(run);
    }

    @Test
    void runsThatDifferInAnyFieldReadBackAsTheirOwn() {
        RunContext real = run("run-json-2", false);
        RunContext dry = run("run-json-2", true);

        assertThat(Json.readRun(Json.write(real))).isEqualTo(real);
        assertThat(Json.readRun(Json.write(dry))).isEqualTo(dry);
        // more runs than are kept: the first ones are parsed again, not lost
        IntStream.range(0, 100).forEach(i -> Json.readRun(Json.write(run("run-json-more-" + i, false))));
        assertThat(Json.readRun(Json.write(real))).isEqualTo(real);
        assertThat(Json.readRun(null)).isNull();
    }
}
