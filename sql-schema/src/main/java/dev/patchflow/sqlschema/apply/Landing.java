package dev.patchflow.sqlschema.apply;

/** What the live schema says about a statement a crashed applier may or may not have run. */
public enum Landing {
    /** The tables it touches are as it leaves them: it ran; it is not run again. */
    LANDED,
    /** The tables are as they were before it: it did not run. */
    NOT_LANDED,
    /** A statement that changes data, not structure (a NULL fill): run again, which is harmless. */
    RERUN,
    /** The tables are in neither state: something else changed them. */
    DIVERGED
}
