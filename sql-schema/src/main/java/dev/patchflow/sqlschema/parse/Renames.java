package dev.patchflow.sqlschema.parse;

import java.util.Map;
import java.util.TreeMap;

/**
 * The explicit renames a desired schema asks for with {@code @renamed from=<old name>} comments: {@code tables} maps
 * a table's new name to its old one, {@code columns} a table's (new) name to its columns' new → old names. Without
 * such a comment a changed name is a drop plus an add.
 */
public record Renames(Map<String, String> tables, Map<String, Map<String, String>> columns) {

    public static final Renames NONE = new Renames(Map.of(), Map.of());

    public Renames {
        tables = Map.copyOf(tables);
        Map<String, Map<String, String>> copy = new TreeMap<>();
        columns.forEach((table, renames) -> copy.put(table, Map.copyOf(renames)));
        columns = Map.copyOf(copy);
    }

    public Map<String, String> columnsOf(String table) {
        return columns.getOrDefault(table, Map.of());
    }
}
