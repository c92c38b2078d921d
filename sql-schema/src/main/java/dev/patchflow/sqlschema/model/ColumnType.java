package dev.patchflow.sqlschema.model;

import java.util.List;
import java.util.Set;

/**
 * A column type in the server's canonical spelling: {@code name} lower case ({@code int}, {@code varchar},
 * {@code decimal}, {@code enum}), {@code args} the length, precision/scale, fractional seconds or the
 * {@code ENUM}/{@code SET} values (unquoted).
 */
public record ColumnType(String name, List<String> args, boolean unsigned, boolean zerofill) {

    public static final List<String> INTEGERS = List.of("tinyint", "smallint", "mediumint", "int", "bigint");
    public static final List<String> TEXTS = List.of("tinytext", "text", "mediumtext", "longtext");
    public static final List<String> BLOBS = List.of("tinyblob", "blob", "mediumblob", "longblob");
    private static final Set<String> STRINGS = Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext",
            "enum", "set");

    public ColumnType {
        args = List.copyOf(args);
    }

    /** Types that have a character set and collation. */
    public boolean isString() {
        return STRINGS.contains(name);
    }

    public boolean isInteger() {
        return INTEGERS.contains(name);
    }

    public boolean isNumeric() {
        return isInteger() || name.equals("decimal") || name.equals("float") || name.equals("double");
    }

    public boolean hasValues() {
        return name.equals("enum") || name.equals("set");
    }

    /** The first argument as a number (a length), or -1. */
    public int length() {
        return args.isEmpty() || hasValues() ? -1 : Integer.parseInt(args.get(0));
    }
}
