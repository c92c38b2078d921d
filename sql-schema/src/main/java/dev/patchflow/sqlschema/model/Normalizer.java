package dev.patchflow.sqlschema.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Brings a schema as written (or as a server printed it) to the one form both sides of a diff share, so that a
 * schema the server already has diffs to nothing: engines, character sets and collations resolved from the table,
 * schema and server defaults ({@code utf8} → {@code utf8mb3}); a nullable column without default gets
 * {@code DEFAULT NULL}; numeric defaults in the column type's form ({@code '0'} → {@code 0}, {@code 0} →
 * {@code 0.00} for {@code decimal(10,2)}, {@code 1.5e3} → {@code 1500}); primary key columns {@code NOT NULL};
 * unnamed foreign keys named {@code <table>_ibfk_<n>} and given the index InnoDB creates for them when no index
 * starts with their columns. (Integer display widths, {@code current_timestamp()} spellings and {@code NO ACTION}
 * are folded by the parser already.)
 */
public final class Normalizer {

    private static final Map<String, String> ENGINES = Map.of("innodb", "InnoDB", "myisam", "MyISAM", "aria", "Aria",
            "memory", "MEMORY", "csv", "CSV", "archive", "ARCHIVE", "blackhole", "BLACKHOLE");
    private static final String BINARY_MARKER = "binary-of-charset";

    private final ServerDefaults defaults;

    public Normalizer(ServerDefaults defaults) {
        this.defaults = defaults;
    }

    public Schema normalize(Schema schema) {
        Map<String, Table> tables = new LinkedHashMap<>();
        for (Table table : schema.tables().values()) {
            tables.put(table.name(), normalize(table));
        }
        return new Schema(tables);
    }

    public Table normalize(Table table) {
        TableOptions options = options(table.options());
        List<Index> indexes = new ArrayList<>();
        for (Index index : table.indexes()) {
            List<IndexPart> parts = index.parts().stream()
                    .map(part -> new IndexPart(table.column(part.column()).map(Column::name).orElse(part.column()),
                            part.prefix()))
                    .toList();
            indexes.add(new Index(index.kind() == IndexKind.PRIMARY ? Index.PRIMARY : index.name(), index.kind(),
                    parts, index.comment()));
        }
        List<String> primaryColumns = indexes.stream().filter(index -> index.kind() == IndexKind.PRIMARY)
                .flatMap(index -> index.columnNames().stream()).map(name -> name.toLowerCase(Locale.ROOT)).toList();
        List<Column> columns = new ArrayList<>();
        for (Column column : table.columns()) {
            columns.add(column(column, options, primaryColumns.contains(column.name().toLowerCase(Locale.ROOT))));
        }
        List<ForeignKey> keys = new ArrayList<>();
        int unnamed = 0;
        for (ForeignKey key : table.foreignKeys()) {
            String name = key.name();
            boolean generatedName = name == null;
            if (generatedName) {
                name = table.name() + "_ibfk_" + (++unnamed);
            }
            List<String> keyColumns = key.columns().stream()
                    .map(c -> table.column(c).map(Column::name).orElse(c)).toList();
            ForeignKey normalized = new ForeignKey(name, keyColumns, key.referencedTable(), key.referencedColumns(),
                    key.onDelete() == null ? ForeignKey.RESTRICT : key.onDelete(),
                    key.onUpdate() == null ? ForeignKey.RESTRICT : key.onUpdate());
            keys.add(normalized);
            if (!hasLeadingIndex(indexes, keyColumns)) {
                // InnoDB creates this index itself; the model says so, or every diff would drop it.
                String indexName = generatedName ? keyColumns.get(0) : name;
                indexes.add(new Index(indexName, IndexKind.INDEX,
                        keyColumns.stream().map(c -> new IndexPart(c, null)).toList(), ""));
            }
        }
        return new Table(table.name(), columns, indexes, keys, options);
    }

    private static boolean hasLeadingIndex(List<Index> indexes, List<String> columns) {
        for (Index index : indexes) {
            if (index.kind() == IndexKind.FULLTEXT || index.parts().size() < columns.size()) {
                continue;
            }
            boolean leads = true;
            for (int i = 0; i < columns.size(); i++) {
                IndexPart part = index.parts().get(i);
                if (part.prefix() != null || !part.column().equalsIgnoreCase(columns.get(i))) {
                    leads = false;
                    break;
                }
            }
            if (leads) {
                return true;
            }
        }
        return false;
    }

    private TableOptions options(TableOptions written) {
        String engine = written.engine() == null
                ? defaults.engine()
                : ENGINES.getOrDefault(written.engine().toLowerCase(Locale.ROOT), written.engine());
        String charset = ServerDefaults.canonicalCharset(written.charset());
        String collation = ServerDefaults.canonicalCollation(written.collation());
        if (charset == null && collation == null) {
            charset = defaults.charset();
            collation = defaults.collation();
        } else if (charset == null) {
            charset = ServerDefaults.charsetOf(collation);
        } else if (collation == null) {
            // CHARSET without COLLATE takes the character set's default collation, not the schema's.
            collation = defaults.defaultCollation(charset);
        }
        String rowFormat = written.rowFormat() == null || written.rowFormat().equalsIgnoreCase("DEFAULT")
                ? null
                : written.rowFormat().toUpperCase(Locale.ROOT);
        return new TableOptions(engine, charset, collation, written.comment(), rowFormat);
    }

    private Column column(Column column, TableOptions table, boolean inPrimaryKey) {
        ColumnType type = column.type();
        String charset = null;
        String collation = null;
        if (type.isString()) {
            charset = ServerDefaults.canonicalCharset(column.charset());
            collation = column.collation();
            boolean binary = BINARY_MARKER.equals(collation);
            if (binary) {
                collation = null;
            }
            collation = ServerDefaults.canonicalCollation(collation);
            if (charset == null && collation == null) {
                charset = table.charset();
                collation = binary ? charset + "_bin" : table.collation();
            } else if (charset == null) {
                charset = ServerDefaults.charsetOf(collation);
            } else if (collation == null) {
                collation = binary
                        ? charset + "_bin"
                        : charset.equals(table.charset()) ? table.collation() : defaults.defaultCollation(charset);
            }
        }
        boolean nullable = column.nullable() && !inPrimaryKey;
        DefaultValue defaultValue = column.defaultValue();
        if (column.generated() != null || column.autoIncrement()) {
            defaultValue = null;
            nullable = column.generated() != null || nullable;
        } else if (defaultValue == null && nullable) {
            defaultValue = DefaultValue.NULL;
        } else if (defaultValue != null && defaultValue.kind() == DefaultValue.Kind.NULL && !nullable) {
            defaultValue = null;
        } else if (defaultValue != null && defaultValue.kind() == DefaultValue.Kind.LITERAL && type.isNumeric()) {
            defaultValue = DefaultValue.literal(number(defaultValue.value(), type));
        }
        return new Column(column.name(), type, nullable, defaultValue, column.onUpdate(), column.autoIncrement(),
                charset, collation, column.comment(), column.generated());
    }

    private static String number(String value, ColumnType type) {
        BigDecimal number;
        try {
            number = new BigDecimal(value.trim());
        } catch (NumberFormatException e) {
            return value;
        }
        if (type.isInteger()) {
            return number.setScale(0, RoundingMode.HALF_UP).toBigInteger().toString();
        }
        if (type.name().equals("decimal") && type.args().size() == 2) {
            return number.setScale(Integer.parseInt(type.args().get(1)), RoundingMode.HALF_UP).toPlainString();
        }
        BigDecimal stripped = number.stripTrailingZeros();
        return stripped.signum() == 0 ? "0" : stripped.toPlainString();
    }
}
