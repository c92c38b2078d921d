package dev.patchflow.runner.domain;

import java.util.Optional;

/** Target counts of runs, from {@code ScanCompleted}: the base of a percentage {@code maxConcurrency}. */
public interface RunSizes {

    void record(String runId, int targetCount);

    Optional<Integer> targetCount(String runId);
}
