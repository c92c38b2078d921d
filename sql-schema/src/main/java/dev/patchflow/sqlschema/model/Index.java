package dev.patchflow.sqlschema.model;

import java.util.List;

/**
 * An index; the primary key is the index named {@code PRIMARY}. Column order and prefix lengths are significant.
 *
 * @param comment the index comment, {@code ""} when none
 */
public record Index(String name, IndexKind kind, List<IndexPart> parts, String comment) {

    public static final String PRIMARY = "PRIMARY";

    public Index {
        parts = List.copyOf(parts);
        comment = comment == null ? "" : comment;
    }

    public List<String> columnNames() {
        return parts.stream().map(IndexPart::column).toList();
    }
}
