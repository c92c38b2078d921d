package dev.patchflow.scanner.adapters.inventory;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns Jackson's parse and mapping errors into one sentence that names the file, the line and the
 * field, which is what a person fixing an inventory needs (Jackson's own messages name Java types).
 */
final class YamlErrors {

    private YamlErrors() {
    }

    static String describe(String what, String format, JsonProcessingException e, String content) {
        // Databind wraps a syntax error met inside an object in a mapping exception: report the syntax.
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonParseException parse) {
                return what + " is not valid " + format + location(parse.getLocation()) + ": "
                        + summary(parse.getOriginalMessage());
            }
        }
        if (e instanceof UnrecognizedPropertyException unknown) {
            String known = unknown.getKnownPropertyIds() == null
                    ? ""
                    : " (known: " + unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                            .collect(Collectors.joining(", ")) + ")";
            return what + ": unknown field '" + path(unknown) + "'" + fieldLine(content, unknown) + known;
        }
        if (e instanceof JsonMappingException mapping) {
            return what + ": field '" + path(mapping) + "' has the wrong type" + fieldLine(content, mapping) + ": "
                    + summary(e.getOriginalMessage());
        }
        return what + " cannot be read" + location(e.getLocation()) + ": " + summary(e.getOriginalMessage());
    }

    /** {@code targets[2].labels}, from Jackson's reference chain. */
    static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(document)" : path.toString();
    }

    /**
     * The line where the offending field is written. Jackson cannot tell: records are bound from a
     * buffered copy of the tokens, so the exception's location is wherever the parser stopped (often
     * the end of the file). The first line that writes the field as a key is the one Jackson met first.
     */
    private static String fieldLine(String content, JsonMappingException e) {
        if (content == null || e.getPath().isEmpty()) {
            return "";
        }
        String field = e.getPath().get(e.getPath().size() - 1).getFieldName();
        if (field == null) {
            return "";
        }
        Matcher key = Pattern.compile("(?m)(^|[\\s{,-])[\"']?" + Pattern.quote(field) + "[\"']?\\s*:").matcher(content);
        if (!key.find()) {
            return "";
        }
        long line = content.substring(0, key.end(1)).chars().filter(c -> c == '\n').count() + 1;
        return " (line " + line + ")";
    }

    private static String location(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /**
     * SnakeYAML's messages span several lines (problem, position, an excerpt with a caret): keep the
     * unindented sentences, the position is reported separately.
     */
    private static String summary(String message) {
        if (message == null) {
            return "";
        }
        return Arrays.stream(message.split("\\R"))
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .map(String::trim)
                .collect(Collectors.joining(", "));
    }
}
