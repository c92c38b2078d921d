package dev.patchflow.report.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.stream.Collectors;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.patchflow.report.domain.TargetFilter;
import dev.patchflow.report.domain.TargetPageRequest;
import dev.patchflow.report.domain.TargetPhase;
import dev.patchflow.report.domain.TargetStatus;

/**
 * The query parameters that select a run's targets, shared by the API and the dashboard: {@code status} and
 * {@code phase} (repeated or comma-separated, any case), {@code q} (text), and a keyset page ({@code after} or
 * {@code before} a target id, a page size). A value that is not one of the known ones is a 400 naming it and
 * the accepted values.
 */
final class TargetParams {

    private TargetParams() {
    }

    static TargetFilter filter(List<String> statuses, List<String> phases, String text) {
        return new TargetFilter(values(statuses, TargetStatus.class, "status"),
                values(phases, TargetPhase.class, "phase"), text);
    }

    static TargetPageRequest page(String after, String before, Integer size, int defaultSize, int maxSize,
            String sizeParameter) {
        int pageSize = size == null ? defaultSize : size;
        if (pageSize < 0 || pageSize > maxSize) {
            throw badRequest(sizeParameter + " must be between 0 and " + maxSize + ", was " + pageSize);
        }
        if (notBlank(after) && notBlank(before)) {
            throw badRequest("give either after or before, not both");
        }
        return new TargetPageRequest(notBlank(after) ? after : null, notBlank(before) ? before : null, pageSize);
    }

    /** The filter as query parameters (for links that keep it), in a fixed order. */
    static Map<String, String> query(TargetFilter filter) {
        Map<String, String> query = new LinkedHashMap<>();
        if (!filter.statuses().isEmpty()) {
            query.put("status", names(filter.statuses()));
        }
        if (!filter.phases().isEmpty()) {
            query.put("phase", names(filter.phases()));
        }
        if (filter.text() != null) {
            query.put("q", filter.text());
        }
        return query;
    }

    static String url(String path, Map<String, String> query) {
        StringJoiner joined = new StringJoiner("&", path + (query.isEmpty() ? "" : "?"), "");
        query.forEach((k, v) -> joined.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return joined.toString();
    }

    static BadRequestException badRequest(String message) {
        return new BadRequestException(Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", message, "status", 400)).build());
    }

    private static <E extends Enum<E>> Set<E> values(List<String> given, Class<E> type, String parameter) {
        Set<E> values = EnumSet.noneOf(type);
        if (given == null) {
            return values;
        }
        for (String list : given) {
            for (String value : list.split(",")) {
                String name = value.strip().toUpperCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                try {
                    values.add(Enum.valueOf(type, name));
                } catch (IllegalArgumentException e) {
                    throw badRequest("unknown " + parameter + " '" + value.strip() + "'; one of "
                            + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
                }
            }
        }
        return values;
    }

    private static String names(Set<? extends Enum<?>> values) {
        return values.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
