package dev.patchflow.patchctl.report;

/** report-svc does not know the run (or does not have the requested report file yet). */
public class RunNotFoundException extends RuntimeException {

    public RunNotFoundException(String message) {
        super(message);
    }
}
