package dev.patchflow.runner.adapters.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.jboss.logging.Logger;

import dev.patchflow.sqlschema.apply.PlanApplier;

/**
 * TEST ONLY ({@code patchflow.runner.sql-schema.test-only-pause-after}, off by default): parks a schema plan after
 * its k-th statement is confirmed, so that a test can {@code kill -9} the runner mid-plan and check that the restart
 * resumes it. Never configured in a deployment: a parked plan does not continue.
 */
final class TestOnlyStatementPause implements PlanApplier.AfterStatement {

    private static final Logger LOG = Logger.getLogger(TestOnlyStatementPause.class);

    private final int after;
    private final Path signal;

    TestOnlyStatementPause(int after, Path signal) {
        this.after = after;
        this.signal = signal;
    }

    @Override
    public void after(int number) throws InterruptedException {
        if (number != after) {
            return;
        }
        LOG.warnf(
                "TEST ONLY: schema plan parked after statement %d (patchflow.runner.sql-schema.test-only-pause-after)",
                number);
        if (signal != null) {
            try {
                Files.writeString(signal, "after statement " + number + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        new CountDownLatch(1).await();
    }
}
