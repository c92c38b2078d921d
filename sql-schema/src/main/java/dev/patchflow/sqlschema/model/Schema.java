package dev.patchflow.sqlschema.model;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tables of one schema (MySQL "database"), by name. Table names are case-sensitive as on a Linux server
 * ({@code lower_case_table_names=0}).
 */
public record Schema(Map<String, Table> tables) {

    public Schema {
        tables = Collections.unmodifiableSortedMap(new TreeMap<>(tables == null ? Map.of() : tables));
    }

    public static Schema empty() {
        return new Schema(Map.of());
    }

    public Optional<Table> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    public Schema with(Table table) {
        Map<String, Table> copy = new TreeMap<>(tables);
        copy.put(table.name(), table);
        return new Schema(copy);
    }

    public Schema without(String name) {
        Map<String, Table> copy = new TreeMap<>(tables);
        copy.remove(name);
        return new Schema(copy);
    }
}
