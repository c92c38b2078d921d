package dev.patchflow.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    @Test
    void absentPolicyMeansTheServiceDefault() {
        assertThat(ConcurrencyLimit.resolve(null, 100, 4)).isEqualTo(4);
        assertThat(ConcurrencyLimit.resolve(" ", 100, 4)).isEqualTo(4);
    }

    @Test
    void aNumberIsTheLimit() {
        assertThat(ConcurrencyLimit.resolve("10", null, 4)).isEqualTo(10);
        assertThat(ConcurrencyLimit.resolve("1", 100, 4)).isEqualTo(1);
    }

    @Test
    void aPercentageIsOfTheScannedTargetsRoundedUpAndAtLeastOne() {
        assertThat(ConcurrencyLimit.resolve("25%", 10, 4)).isEqualTo(3);
        assertThat(ConcurrencyLimit.resolve("20%", 10, 4)).isEqualTo(2);
        assertThat(ConcurrencyLimit.resolve("1%", 3, 4)).isEqualTo(1);
        assertThat(ConcurrencyLimit.resolve("100%", 10000, 4)).isEqualTo(10000);
    }

    @Test
    void aPercentageOfAnUnknownCountFallsBackToTheDefault() {
        assertThat(ConcurrencyLimit.resolve("50%", null, 4)).isEqualTo(4);
        assertThat(ConcurrencyLimit.resolve("50%", 0, 4)).isEqualTo(4);
    }
}
