package dev.patchflow.sqlschema.model;

public enum IndexKind {
    PRIMARY, UNIQUE, INDEX, FULLTEXT
}
