package dev.patchflow.sqlschema.parse;

/**
 * A schema text that cannot be taken as a desired or live schema: it names where ({@code source:line:column}), the
 * offending token where there is one, and why.
 */
public class SchemaParseException extends Exception {

    private final String source;
    private final int line;
    private final int column;
    private final String token;

    public SchemaParseException(String source, int line, int column, String token, String reason) {
        super(location(source, line, column) + ": " + reason);
        this.source = source;
        this.line = line;
        this.column = column;
        this.token = token;
    }

    private static String location(String source, int line, int column) {
        if (line <= 0) {
            return source;
        }
        return source + ":" + line + (column > 0 ? ":" + column : "");
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The offending token as written, or {@code null} when the problem is not one token. */
    public String token() {
        return token;
    }
}
