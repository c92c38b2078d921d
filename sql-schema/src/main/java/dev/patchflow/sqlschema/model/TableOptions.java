package dev.patchflow.sqlschema.model;

/**
 * Table options that the model compares. {@code rowFormat} is {@code null} when the table does not set one (the
 * server's default applies); {@code comment} is {@code ""} when none. The {@code AUTO_INCREMENT} counter is data, not
 * schema, and is not kept.
 */
public record TableOptions(String engine, String charset, String collation, String comment, String rowFormat) {

    public TableOptions {
        comment = comment == null ? "" : comment;
    }
}
