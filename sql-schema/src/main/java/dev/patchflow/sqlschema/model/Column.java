package dev.patchflow.sqlschema.model;

/**
 * One column, normalized: string columns carry their resolved character set and collation, a nullable column
 * without a default has the default {@code NULL}, integer display widths are gone.
 *
 * @param defaultValue {@code null} when the column has no default (a {@code NOT NULL} column without one, an
 *        auto-increment or a generated column)
 * @param onUpdate the {@code ON UPDATE} expression (canonical), or {@code null}
 * @param charset the character set of a string column, {@code null} for other types
 * @param collation the collation of a string column, {@code null} for other types
 * @param comment the column comment, {@code ""} when none
 * @param generated the generation expression of a generated column, or {@code null}
 */
public record Column(String name, ColumnType type, boolean nullable, DefaultValue defaultValue, String onUpdate,
        boolean autoIncrement, String charset, String collation, String comment, Generated generated) {

    public Column {
        comment = comment == null ? "" : comment;
    }

    public Column withName(String newName) {
        return new Column(newName, type, nullable, defaultValue, onUpdate, autoIncrement, charset, collation, comment,
                generated);
    }

    public Column withNullable(boolean newNullable, DefaultValue newDefault) {
        return new Column(name, type, newNullable, newDefault, onUpdate, autoIncrement, charset, collation, comment,
                generated);
    }
}
