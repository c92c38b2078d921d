package dev.patchflow.report.domain;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a run's targets, in target id order, with the keys to the neighbouring pages.
 *
 * @param previous pass as {@code before} to get the page before this one; {@code null} at the start
 * @param next pass as {@code after} to get the page after this one; {@code null} at the end
 */
public record TargetPage<T>(List<T> targets, String previous, String next) {

    public TargetPage {
        targets = List.copyOf(targets);
    }

    public <R> TargetPage<R> map(Function<T, R> mapper) {
        return new TargetPage<>(targets.stream().map(mapper).toList(), previous, next);
    }

    /**
     * Cuts a page out of up to {@code size + 1} rows read in the request's direction (the extra row only says
     * that there is more that way), given the ids of the rows.
     */
    public static <T> TargetPage<T> of(List<T> rowsInReadOrder, TargetPageRequest request, Function<T, String> id) {
        int size = request.size();
        boolean more = rowsInReadOrder.size() > size;
        List<T> rows = new java.util.ArrayList<>(rowsInReadOrder.subList(0, Math.min(size, rowsInReadOrder.size())));
        if (request.backwards()) {
            java.util.Collections.reverse(rows);
            String previous = more && !rows.isEmpty() ? id.apply(rows.get(0)) : null;
            // the target the request was before is still there: the next page starts at it
            String next = rows.isEmpty() ? null : id.apply(rows.get(rows.size() - 1));
            return new TargetPage<>(rows, previous, next);
        }
        String next = more && !rows.isEmpty() ? id.apply(rows.get(rows.size() - 1)) : null;
        String previous = request.after() != null && !rows.isEmpty() ? id.apply(rows.get(0)) : null;
        return new TargetPage<>(rows, previous, next);
    }
}
