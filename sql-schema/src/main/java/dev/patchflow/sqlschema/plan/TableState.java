package dev.patchflow.sqlschema.plan;

/**
 * A table as it is expected to be before or after a statement: its canonical text ({@link SqlWriter#canonical}), or
 * {@code null} when it does not exist. A journal keeps these to tell, after a crash, whether a statement landed.
 */
public record TableState(String table, String canonical) {

    public boolean exists() {
        return canonical != null;
    }
}
