package dev.patchflow.patchctl.report;

/** Nothing answered at the report URL (connection refused, timed out, name not resolved). */
public class ReportApiUnreachableException extends RuntimeException {

    private final String baseUrl;

    public ReportApiUnreachableException(String baseUrl, String message, Throwable cause) {
        super(message, cause);
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }
}
