package dev.patchflow.report.domain;

/**
 * A page of a run's targets in target id order, by key rather than by offset, so that page 2,000 of a
 * 100,000-target run costs what page 1 does: the first {@code size} targets after target id {@code after}
 * (none: from the start), or, when {@code before} is given, the last {@code size} before it.
 */
public record TargetPageRequest(String after, String before, int size) {

    public TargetPageRequest {
        if (size < 0) {
            throw new IllegalArgumentException("page size must not be negative, was " + size);
        }
        after = after == null || after.isEmpty() ? null : after;
        before = before == null || before.isEmpty() ? null : before;
        if (after != null && before != null) {
            throw new IllegalArgumentException("give either after or before, not both");
        }
    }

    public static TargetPageRequest first(int size) {
        return new TargetPageRequest(null, null, size);
    }

    public boolean backwards() {
        return before != null;
    }
}
