package dev.patchflow.sqlschema.plan;

import java.util.List;
import java.util.stream.Collectors;

import dev.patchflow.sqlschema.model.Column;
import dev.patchflow.sqlschema.model.ColumnType;
import dev.patchflow.sqlschema.model.DefaultValue;
import dev.patchflow.sqlschema.model.ForeignKey;
import dev.patchflow.sqlschema.model.Index;
import dev.patchflow.sqlschema.model.IndexKind;
import dev.patchflow.sqlschema.model.IndexPart;
import dev.patchflow.sqlschema.model.Table;
import dev.patchflow.sqlschema.model.TableOptions;
import dev.patchflow.sqlschema.parse.Expressions;

/** MySQL/MariaDB DDL for the model; every identifier is quoted, so reserved words and odd names are safe. */
public final class SqlWriter {

    private SqlWriter() {
    }

    public static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    public static String string(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    public static String idents(List<String> names) {
        return names.stream().map(SqlWriter::ident).collect(Collectors.joining(", "));
    }

    public static String type(ColumnType type) {
        StringBuilder out = new StringBuilder(type.name());
        if (type.hasValues()) {
            out.append('(').append(type.args().stream().map(SqlWriter::string).collect(Collectors.joining(",")))
                    .append(')');
        } else if (!type.args().isEmpty()) {
            out.append('(').append(String.join(",", type.args())).append(')');
        }
        if (type.unsigned()) {
            out.append(" unsigned");
        }
        if (type.zerofill()) {
            out.append(" zerofill");
        }
        return out.toString();
    }

    public static String column(Column column) {
        StringBuilder out = new StringBuilder(ident(column.name())).append(' ').append(type(column.type()));
        if (column.charset() != null) {
            out.append(" CHARACTER SET ").append(column.charset()).append(" COLLATE ").append(column.collation());
        }
        if (column.generated() != null) {
            out.append(" GENERATED ALWAYS AS (").append(column.generated().expression()).append(')')
                    .append(column.generated().stored() ? " STORED" : " VIRTUAL");
        } else {
            out.append(column.nullable() ? " NULL" : " NOT NULL");
            if (column.defaultValue() != null) {
                out.append(" DEFAULT ").append(defaultValue(column.defaultValue(), column.type()));
            }
            if (column.onUpdate() != null) {
                out.append(" ON UPDATE ").append(column.onUpdate());
            }
            if (column.autoIncrement()) {
                out.append(" AUTO_INCREMENT");
            }
        }
        if (!column.comment().isEmpty()) {
            out.append(" COMMENT ").append(string(column.comment()));
        }
        return out.toString();
    }

    public static String defaultValue(DefaultValue value, ColumnType type) {
        return switch (value.kind()) {
            case NULL -> "NULL";
            case BIT_LITERAL -> value.value();
            case LITERAL -> type.isNumeric() && isNumber(value.value()) ? value.value() : string(value.value());
            case EXPRESSION -> Expressions.isCurrentTimestamp(value.value())
                    ? value.value()
                    : "(" + value.value() + ")";
        };
    }

    private static boolean isNumber(String value) {
        try {
            new java.math.BigDecimal(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    public static String indexParts(List<IndexPart> parts) {
        return parts.stream()
                .map(part -> ident(part.column()) + (part.prefix() == null ? "" : "(" + part.prefix() + ")"))
                .collect(Collectors.joining(", "));
    }

    /** {@code PRIMARY KEY (...)}, {@code UNIQUE KEY `n` (...)}, {@code KEY `n` (...)}, {@code FULLTEXT KEY `n` (...)}. */
    public static String index(Index index) {
        String head = switch (index.kind()) {
            case PRIMARY -> "PRIMARY KEY";
            case UNIQUE -> "UNIQUE KEY " + ident(index.name());
            case INDEX -> "KEY " + ident(index.name());
            case FULLTEXT -> "FULLTEXT KEY " + ident(index.name());
        };
        String comment = index.comment().isEmpty() ? "" : " COMMENT " + string(index.comment());
        return head + " (" + indexParts(index.parts()) + ")" + comment;
    }

    public static String dropIndex(Index index) {
        return index.kind() == IndexKind.PRIMARY ? "DROP PRIMARY KEY" : "DROP INDEX " + ident(index.name());
    }

    public static String foreignKey(ForeignKey key) {
        StringBuilder out = new StringBuilder("CONSTRAINT ").append(ident(key.name())).append(" FOREIGN KEY (")
                .append(idents(key.columns())).append(") REFERENCES ").append(ident(key.referencedTable()))
                .append(" (").append(idents(key.referencedColumns())).append(')');
        if (!ForeignKey.RESTRICT.equals(key.onDelete())) {
            out.append(" ON DELETE ").append(key.onDelete());
        }
        if (!ForeignKey.RESTRICT.equals(key.onUpdate())) {
            out.append(" ON UPDATE ").append(key.onUpdate());
        }
        return out.toString();
    }

    public static String options(TableOptions options) {
        StringBuilder out = new StringBuilder("ENGINE=").append(options.engine()).append(" DEFAULT CHARSET=")
                .append(options.charset()).append(" COLLATE=").append(options.collation());
        if (options.rowFormat() != null) {
            out.append(" ROW_FORMAT=").append(options.rowFormat());
        }
        if (!options.comment().isEmpty()) {
            out.append(" COMMENT=").append(string(options.comment()));
        }
        return out.toString();
    }

    /** {@code CREATE TABLE} with the table's columns, indexes, the given foreign keys and options. */
    public static String createTable(Table table, List<ForeignKey> foreignKeys) {
        StringBuilder out = new StringBuilder("CREATE TABLE ").append(ident(table.name())).append(" (");
        String separator = "\n  ";
        for (Column column : table.columns()) {
            out.append(separator).append(column(column));
            separator = ",\n  ";
        }
        for (Index index : table.indexes()) {
            out.append(separator).append(index(index));
        }
        for (ForeignKey key : foreignKeys) {
            out.append(separator).append(foreignKey(key));
        }
        return out.append("\n) ").append(options(table.options())).toString();
    }

    /** The whole table as one canonical text: what a journal keeps to recognise a table state again. */
    public static String canonical(Table table) {
        return createTable(table, table.foreignKeys());
    }
}
