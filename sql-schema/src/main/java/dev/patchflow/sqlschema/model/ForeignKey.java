package dev.patchflow.sqlschema.model;

import java.util.List;

/**
 * A foreign key to a table of the same schema. The actions are {@code RESTRICT} (the default, which InnoDB treats
 * like {@code NO ACTION}), {@code CASCADE}, {@code SET NULL}, {@code SET DEFAULT}.
 */
public record ForeignKey(String name, List<String> columns, String referencedTable, List<String> referencedColumns,
        String onDelete, String onUpdate) {

    public static final String RESTRICT = "RESTRICT";

    public ForeignKey {
        columns = List.copyOf(columns);
        referencedColumns = List.copyOf(referencedColumns);
    }

    public ForeignKey withReferencedTable(String table) {
        return new ForeignKey(name, columns, table, referencedColumns, onDelete, onUpdate);
    }
}
