package dev.patchflow.report.config;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import dev.patchflow.report.domain.RunFinisher;

/**
 * The thread that finishes claimed runs (reports to S3, RunCompleted): one, so that two large completions do not
 * compete for memory and CPU; a claimed run waits in its queue with its claim renewed.
 */
@ApplicationScoped
public class CompletionExecutorProducer {

    @Produces
    @Singleton
    @Named(RunFinisher.COMPLETIONS)
    ExecutorService completions() {
        return Executors.newSingleThreadExecutor(task -> new Thread(task, RunFinisher.COMPLETIONS));
    }

    /** A completion cut short stays COMPLETING; the reconciler of the next start finishes it. */
    void close(@Disposes @Named(RunFinisher.COMPLETIONS) ExecutorService completions) throws InterruptedException {
        completions.shutdown();
        if (!completions.awaitTermination(10, TimeUnit.SECONDS)) {
            completions.shutdownNow();
        }
    }
}
