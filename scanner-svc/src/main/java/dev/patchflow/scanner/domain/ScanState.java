package dev.patchflow.scanner.domain;

/** How a run's scan ended; recorded once per run, before anything is emitted. */
public enum ScanState {
    /** The targets are recorded; InstanceScanned x N and ScanCompleted are (re-)emitted from them. */
    SCANNED,
    /** The request cannot run; RunRejected is (re-)emitted with the recorded reason. */
    REJECTED
}
