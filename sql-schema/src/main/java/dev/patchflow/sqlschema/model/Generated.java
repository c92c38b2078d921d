package dev.patchflow.sqlschema.model;

/** A generated column: its expression (canonical text) and whether it is stored ({@code STORED}/{@code PERSISTENT}). */
public record Generated(String expression, boolean stored) {
}
