package dev.patchflow.sqlschema.model;

/**
 * A column default: {@code NULL}, a literal (its value, unquoted: numbers in the column type's canonical form,
 * strings as they are, {@code b'0'} bit literals kept as written) or an expression (canonical text).
 */
public record DefaultValue(Kind kind, String value) {

    public enum Kind {
        NULL, LITERAL, BIT_LITERAL, EXPRESSION
    }

    public static final DefaultValue NULL = new DefaultValue(Kind.NULL, null);

    public static DefaultValue literal(String value) {
        return new DefaultValue(Kind.LITERAL, value);
    }

    public static DefaultValue expression(String canonical) {
        return new DefaultValue(Kind.EXPRESSION, canonical);
    }
}
