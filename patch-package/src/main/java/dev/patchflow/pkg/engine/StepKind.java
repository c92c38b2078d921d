package dev.patchflow.pkg.engine;

/** What a journaled step does to its path. */
public enum StepKind {
    /** Creates the (missing) install directory; full upgrades only. */
    CREATE_INSTALL,
    /** Atomic replacement of a file or symlink (temp beside it, fsync, rename). */
    REPLACE_FILE,
    /** Replacement of a directory as a unit (stage beside it, rename old away, rename new in). */
    REPLACE_DIRECTORY,
    /** Removal of a file, symlink or directory tree. */
    DELETE,
    /** The VERSION marker, always the last step. */
    WRITE_VERSION
}
