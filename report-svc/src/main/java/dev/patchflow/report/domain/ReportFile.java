package dev.patchflow.report.domain;

/** One rendered report: {@code report.csv|json|html|xml}. */
public record ReportFile(String name, String contentType, byte[] content) {
}
