package dev.patchflow.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The JVM options each packaged service is started with in the local run. */
class ServiceProcessTest {

    @Test
    void reportSvcStartsItsHeapAtItsLimitAndTheOtherServicesStartSmall() {
        assertThat(ServiceProcess.jvmOptionsOf("report-svc")).contains("-Xms384m", "-Xmx384m")
                .doesNotContain("-Xms64m").containsAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        assertThat(ServiceProcess.jvmOptionsOf("scanner-svc")).isEqualTo(ServiceProcess.DEFAULT_JVM_OPTIONS)
                .contains("-Xms64m");
        assertThat(ServiceProcess.jvmOptionsOf("patch-runner-svc")).contains("-Xms64m",
                ServiceProcess.RUNNER_LAUNCH_MECHANISM);
    }

    @Test
    void theInitialHeapFollowsTheLastLimitGiven() {
        assertThat(ServiceProcess.initialHeapAtLimit(List.of("-Xms64m", "-Xmx384m", "-Xmx256m", "-XX:+UseSerialGC")))
                .containsExactly("-Xms256m", "-Xmx384m", "-Xmx256m", "-XX:+UseSerialGC");
        assertThatThrownBy(() -> ServiceProcess.initialHeapAtLimit(List.of("-Xms64m")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no -Xmx");
    }
}
