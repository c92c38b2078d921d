package dev.patchflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The benchmark's process reference: what starting processes one after the other costs here. */
class ProcessCostTest {

    @Test
    void startsTheProcessesAndCountsTheirCpuOnceTheShellHasEnded() throws Exception {
        Optional<ProcessCost> cost = ProcessCost.measure(200);
        assumeThat(cost).as("Linux with /bin/sh and /proc").isPresent();

        assertThat(cost.get().processes()).isEqualTo(200);
        assertThat(cost.get().seconds()).isPositive();
        // 200 forks and execs take at least one 10 ms tick of CPU anywhere.
        assertThat(cost.get().cpu()).isGreaterThan(Duration.ZERO);
        assertThat(cost.get().targetsPerSecondAtMost(2)).isEqualTo(2 * 1000 / cost.get().cpuMillisEach());
    }

    @Test
    void theCeilingIsTheCoresOverOneProcesssCpu() {
        ProcessCost cost = new ProcessCost(500, 2.5, Duration.ofMillis(2500));

        assertThat(cost.cpuMillisEach()).isEqualTo(5.0);
        assertThat(cost.targetsPerSecondAtMost(2)).isEqualTo(400.0);
    }

    @Test
    void aCountBelowOneIsRefusedNamingIt() {
        assertThatThrownBy(() -> ProcessCost.measure(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("processes must be at least 1, was 0");
    }
}
