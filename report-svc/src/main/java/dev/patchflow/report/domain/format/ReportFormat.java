package dev.patchflow.report.domain.format;

/** The four report formats of a run, in the order they are archived. */
public enum ReportFormat {

    CSV("report.csv", "text/csv; charset=utf-8"), JSON("report.json", "application/json"), HTML("report.html",
            "text/html; charset=utf-8"), XML("report.xml", "application/xml");

    private final String fileName;
    private final String contentType;

    ReportFormat(String fileName, String contentType) {
        this.fileName = fileName;
        this.contentType = contentType;
    }

    /** {@code report.csv|json|html|xml}: the name in the archive and in the API path. */
    public String fileName() {
        return fileName;
    }

    public String contentType() {
        return contentType;
    }
}
