package dev.patchflow.patchctl.report;

/** report-svc answered, but not with what was asked for (an error status or a body that does not parse). */
public class ReportApiException extends RuntimeException {

    public ReportApiException(String message) {
        super(message);
    }

    public ReportApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
