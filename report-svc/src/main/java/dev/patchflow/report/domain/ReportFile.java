package dev.patchflow.report.domain;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One report file of a run ({@code report.csv|json|html|xml}), written when it is stored: its content is
 * rendered straight into the archive's stream, so a run of any size is never held in memory.
 */
public record ReportFile(String name, String contentType, Content content) {

    /** Writes the file's bytes; may be called again to write them again (e.g. a retried upload). */
    @FunctionalInterface
    public interface Content {

        void writeTo(OutputStream out) throws IOException;
    }
}
