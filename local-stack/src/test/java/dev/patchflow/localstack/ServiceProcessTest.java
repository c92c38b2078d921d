package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The JVM options each packaged service is started with in the local run. */
class ServiceProcessTest {

    @Test
    void reportSvcHasAYoungGenerationOfAThirdOfItsHeapAndTheOtherServicesTheDefault() {
        assertThat(ServiceProcess.jvmOptionsOf("report-svc")).contains("-Xms64m", "-Xmx384m", "-Xmn128m")
                .containsAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        assertThat(ServiceProcess.jvmOptionsOf("scanner-svc")).isEqualTo(ServiceProcess.DEFAULT_JVM_OPTIONS)
                .noneMatch(option -> option.startsWith("-Xmn"));
        assertThat(ServiceProcess.jvmOptionsOf("patch-runner-svc")).contains("-Xms64m",
                ServiceProcess.RUNNER_LAUNCH_MECHANISM);
    }

    @Test
    void theYoungGenerationIsAThirdOfTheLastLimitGiven() {
        assertThat(ServiceProcess.youngGenerationOfAThird(List.of("-Xms64m", "-Xmx384m", "-Xmx256m")))
                .containsExactly("-Xms64m", "-Xmx384m", "-Xmx256m", "-Xmn85m");
        assertThat(ServiceProcess.youngGenerationOfAThird(List.of("-Xmx96m"))).contains("-Xmn32m");
        assertThat(ServiceProcess.youngGenerationOfAThird(List.of("-Xmx3g"))).contains("-Xmn1024m");
        assertThatThrownBy(() -> ServiceProcess.youngGenerationOfAThird(List.of("-Xms64m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no -Xmx");
        assertThatThrownBy(() -> ServiceProcess.youngGenerationOfAThird(List.of("-Xmxlots")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Xmxlots");
    }
}
