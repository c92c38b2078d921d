package dev.patchflow.sdk;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The entry point of a patch image:
 *
 * <pre>
 * public static void main(String[] args) {
 *     System.exit(PatchMain.run(List.of(new FixRuleSeverity(), new AddRuleOwner()), args));
 * }
 * </pre>
 *
 * Parses {@code --dry-run} and {@code --isolated}, sets up one-line logging to stdout (what the runner copies to
 * S3), runs every patch in order and returns the exit code: {@value #OK} when all succeeded,
 * {@value #RETRYABLE} when one failed retryably, {@value #PERMANENT} when one failed permanently,
 * {@value #USAGE} for a bad argument. The runner's {@code podFailurePolicy} fails the Job at once on 2 and 3.
 */
public final class PatchMain {

    public static final int OK = 0;
    public static final int RETRYABLE = 1;
    public static final int USAGE = 2;
    public static final int PERMANENT = 3;

    private PatchMain() {
    }

    @Command(name = "patch", mixinStandardHelpOptions = true, description = "Runs the image's data patches in order. Idempotent: a second run changes nothing.")
    static final class Flags implements Callable<Integer> {

        @Option(names = "--dry-run", description = "Read everything, write nothing; log what would be written.")
        boolean dryRun;

        @Option(names = "--isolated", description = "CI mode: skip the patch logic and succeed.")
        boolean isolated;

        @Option(names = "--verbose", description = "Log at FINE.")
        boolean verbose;

        List<BasePatch> patches;

        @Override
        public Integer call() {
            configureLogging(verbose ? Level.FINE : Level.INFO);
            Logger log = Logger.getLogger(PatchMain.class.getName());
            PatchOptions options = new PatchOptions(dryRun, isolated);
            int code = OK;
            for (BasePatch patch : patches) {
                PatchResult result = patch.run(options);
                code = Math.max(code, switch (result) {
                    case SUCCESS -> OK;
                    case RETRYABLE_FAILURE -> RETRYABLE;
                    case PERMANENT_FAILURE -> PERMANENT;
                });
            }
            int exit = code;
            log.info(() -> patches.size() + " patch(es) run, exit code " + exit);
            return code;
        }
    }

    /** Runs every patch and returns the exit code (does not exit). */
    public static int run(List<? extends BasePatch> patches, String... args) {
        return run(patches, System.err, args);
    }

    static int run(List<? extends BasePatch> patches, PrintStream err, String... args) {
        Flags flags = new Flags();
        flags.patches = List.copyOf(patches);
        CommandLine cli = new CommandLine(flags);
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExitCodeExceptionMapper(e -> USAGE);
        return cli.execute(args);
    }

    /** One line per record on stdout: {@code 2026-11-21T09:00:00Z INFO fix_rule_severity: 3 documents fixed}. */
    static void configureLogging(Level level) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler handler = new ConsoleHandler() {

            {
                setOutputStream(System.out);
            }
        };
        handler.setLevel(level);
        handler.setFormatter(new Formatter() {

            @Override
            public String format(LogRecord record) {
                String line = Instant.ofEpochMilli(record.getMillis()) + " " + record.getLevel().getName() + " "
                        + formatMessage(record) + System.lineSeparator();
                if (record.getThrown() != null) {
                    java.io.StringWriter trace = new java.io.StringWriter();
                    record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                    line += trace;
                }
                return line;
            }
        });
        root.addHandler(handler);
        root.setLevel(level);
        // Drivers are chatty at INFO; a patch log should show the patch.
        Logger.getLogger("org.mongodb.driver").setLevel(Level.WARNING);
    }
}
