package dev.patchflow.sqlschema.model;

/** One column of an index, with its prefix length ({@code null}: the whole value). */
public record IndexPart(String column, Integer prefix) {
}
