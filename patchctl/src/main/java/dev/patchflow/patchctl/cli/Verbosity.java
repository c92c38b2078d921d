package dev.patchflow.patchctl.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * patchctl is quiet by default (application.properties: WARN, Kafka at ERROR, logs on stderr so
 * stdout stays scriptable). {@code --verbose} raises the levels at run time. The loggers are held
 * in static fields because java.util.logging keeps only weak references to configured loggers.
 */
final class Verbosity {

    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger PATCHCTL = Logger.getLogger("dev.patchflow.patchctl");
    private static final Logger KAFKA = Logger.getLogger("org.apache.kafka");

    private Verbosity() {
    }

    static void apply(boolean verbose) {
        if (verbose) {
            ROOT.setLevel(Level.INFO);
            PATCHCTL.setLevel(Level.FINE);
            KAFKA.setLevel(Level.WARNING);
        }
    }
}
