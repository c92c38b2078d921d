package dev.patchflow.runner.domain;

/**
 * Resolves {@code options.rollout.maxConcurrency} to a number of targets of one run that may execute at
 * once.
 * <ul>
 * <li>{@code null} / blank: the service default;
 * <li>{@code "N"}: N;
 * <li>{@code "P%"}: P percent of the run's scanned target count (from {@code ScanCompleted}), rounded up,
 * at least 1. While the count is not known yet (the scan summary has not arrived) the service default is
 * used, capped by nothing else: the count normally arrives long before the first backup finishes.
 * </ul>
 */
public final class ConcurrencyLimit {

    private ConcurrencyLimit() {
    }

    public static int resolve(String maxConcurrency, Integer targetCount, int defaultLimit) {
        if (maxConcurrency == null || maxConcurrency.isBlank()) {
            return defaultLimit;
        }
        String value = maxConcurrency.trim();
        try {
            if (value.endsWith("%")) {
                int percent = Integer.parseInt(value.substring(0, value.length() - 1));
                if (targetCount == null || targetCount <= 0) {
                    return defaultLimit;
                }
                long limit = ((long) percent * targetCount + 99) / 100;
                return (int) Math.max(1, Math.min(limit, Integer.MAX_VALUE));
            }
            return Math.max(1, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            // The schema only lets "N" or "P%" through; anything else means a newer producer: stay safe.
            return defaultLimit;
        }
    }
}
