package dev.patchflow.sqlschema.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One table. Indexes (the primary key first, then by name) and foreign keys (by name) are kept sorted, so that two
 * tables that a server would print alike are {@code equals}; the column order is significant.
 */
public record Table(String name, List<Column> columns, List<Index> indexes, List<ForeignKey> foreignKeys,
        TableOptions options) {

    private static final Comparator<Index> INDEX_ORDER = Comparator
            .comparing((Index index) -> index.kind() != IndexKind.PRIMARY)
            .thenComparing(index -> index.name().toLowerCase(Locale.ROOT));

    public Table {
        columns = List.copyOf(columns);
        List<Index> sortedIndexes = new ArrayList<>(indexes);
        sortedIndexes.sort(INDEX_ORDER);
        indexes = List.copyOf(sortedIndexes);
        List<ForeignKey> sortedKeys = new ArrayList<>(foreignKeys);
        sortedKeys.sort(Comparator.comparing(key -> key.name().toLowerCase(Locale.ROOT)));
        foreignKeys = List.copyOf(sortedKeys);
    }

    /** Column names are case-insensitive in MySQL. */
    public Optional<Column> column(String columnName) {
        return columns.stream().filter(column -> column.name().equalsIgnoreCase(columnName)).findFirst();
    }

    public Optional<Index> index(String indexName) {
        return indexes.stream().filter(index -> index.name().equalsIgnoreCase(indexName)).findFirst();
    }

    public Optional<Index> primaryKey() {
        return indexes.stream().filter(index -> index.kind() == IndexKind.PRIMARY).findFirst();
    }

    public Optional<ForeignKey> foreignKey(String keyName) {
        return foreignKeys.stream().filter(key -> key.name().equalsIgnoreCase(keyName)).findFirst();
    }

    public Table withName(String newName) {
        return new Table(newName, columns, indexes, foreignKeys, options);
    }

    public Table withColumns(List<Column> newColumns) {
        return new Table(name, newColumns, indexes, foreignKeys, options);
    }

    public Table withIndexes(List<Index> newIndexes) {
        return new Table(name, columns, newIndexes, foreignKeys, options);
    }

    public Table withForeignKeys(List<ForeignKey> newKeys) {
        return new Table(name, columns, indexes, newKeys, options);
    }

    public Table withOptions(TableOptions newOptions) {
        return new Table(name, columns, indexes, foreignKeys, newOptions);
    }
}
