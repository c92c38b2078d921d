package dev.patchflow.runner.domain;

/** Where one target of one run is in the runner. */
public enum TargetState {
    /** Backed up and waiting for a free slot of its run. */
    READY,
    /** Claimed by a worker (owner + lease). */
    RUNNING,
    /** Outcome recorded (and emitted, once {@code emitted} is true). */
    DONE
}
