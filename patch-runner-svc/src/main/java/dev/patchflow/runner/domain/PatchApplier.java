package dev.patchflow.runner.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.patchflow.runner.domain.locks.Lease;
import dev.patchflow.runner.domain.locks.TargetLocking;
import dev.patchflow.runner.domain.rollout.RolloutPlanner;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;

/**
 * Applies the patch to one claimed target: ledger claim, execution, output upload, ledger outcome, run
 * outcome, emission. Runs on a dispatcher worker, never on the Kafka consumer thread.
 */
@ApplicationScoped
public class PatchApplier {

    private static final Logger LOG = Logger.getLogger(PatchApplier.class);

    private final ExecutorRegistry executors;
    private final PatchLedger ledger;
    private final RunTargetStore store;
    private final OutputStore outputs;
    private final OutcomeRecorder recorder;
    private final RunnerSettings settings;
    private final Clock clock;
    private final TargetLocking locking;
    private final AdoptionStore adoption;

    /** Without locks or adoption (unit tests of the recording rules). */
    public PatchApplier(ExecutorRegistry executors, PatchLedger ledger, RunTargetStore store, OutputStore outputs,
            OutcomeRecorder recorder, RunnerSettings settings, Clock clock) {
        this(executors, ledger, store, outputs, recorder, settings, clock, null, AdoptionStore.NONE);
    }

    @Inject
    public PatchApplier(ExecutorRegistry executors, PatchLedger ledger, RunTargetStore store, OutputStore outputs,
            OutcomeRecorder recorder, RunnerSettings settings, Clock clock, TargetLocking locking,
            AdoptionStore adoption) {
        this.executors = executors;
        this.ledger = ledger;
        this.store = store;
        this.outputs = outputs;
        this.recorder = recorder;
        this.settings = settings;
        this.clock = clock;
        this.locking = locking;
        this.adoption = adoption;
    }

    /**
     * Processes a target this runner claimed (RUNNING, owned by {@link RunnerSettings#instanceId()}).
     *
     * @return the outcome recorded for it, or {@code null} when none was (it went back to the queue, its claim
     *         was lost)
     */
    public PatchflowEvent apply(RunTarget claimed) {
        RunContext run = claimed.run();
        Target target = claimed.target();
        PatchSpec patch = run.patch();
        Optional<PatchExecutor> executor = executors.find(patch.executor());
        if (executor.isEmpty()) {
            return recorder.recordAndEmit(claimed.id(),
                    new PatchFailed(run, target,
                            "unknown executor '" + patch.executor() + "' (this runner has: "
                                    + String.join(", ", executors.names()) + ")",
                            null, null, null, null, Map.of("executor", patch.executor())));
        }
        LedgerKey key = LedgerKey.of(target.id(), patch);
        if (run.options().dryRun()) {
            return applyDryRun(claimed, executor.get(), key);
        }
        if (locking == null) {
            return applyLocked(claimed, executor.get(), key, null);
        }
        TargetLocking.Decision decision = locking.acquire(claimed, () -> adoption.extendClaim(claimed.id(),
                settings.instanceId(), clock.instant().plus(settings.leaseFor(patch))));
        if (decision instanceof TargetLocking.Refused refused) {
            return recorder.recordAndEmit(claimed.id(),
                    new PatchFailed(run, target, refused.reason(), null, null, null, null, refused.details()));
        } else if (decision instanceof TargetLocking.Later later) {
            store.retryLater(claimed.id(), settings.instanceId(), later.at());
            return null;
        } else if (decision instanceof TargetLocking.Lost) {
            LOG.infof("%s: the claim lapsed while waiting for its lock; left to its new claimant", claimed.id());
            return null;
        }
        Lease lease = ((TargetLocking.Locked) decision).lease();
        try {
            return applyLocked(claimed, executor.get(), key, lease);
        } finally {
            locking.release(lease);
        }
    }

    /** The ledger claim and the execution, under {@code lease} (the target's cluster or target lock). */
    private PatchflowEvent applyLocked(RunTarget claimed, PatchExecutor executor, LedgerKey key, Lease lease) {
        RunContext run = claimed.run();
        Target target = claimed.target();
        PatchSpec patch = run.patch();
        Instant now = clock.instant();
        LedgerClaim claim = ledger.claim(key, run.runId(), settings.instanceId(), now,
                now.plus(settings.leaseFor(patch)), lease);
        if (claim instanceof LedgerClaim.AlreadyApplied applied) {
            return recorder.recordAndEmit(claimed.id(), alreadyApplied(run, target, applied, executor));
        } else if (claim instanceof LedgerClaim.Busy busy) {
            // Another run holds this target × patch: never run it twice at once. Try again when its lease
            // may have ended, but at least every busy-retry so that a finished holder is noticed quickly.
            Instant retry = now.plus(settings.busyRetry());
            if (busy.leaseUntil() != null && busy.leaseUntil().isBefore(retry)) {
                retry = busy.leaseUntil().isAfter(now) ? busy.leaseUntil() : now.plusSeconds(1);
            }
            LOG.debugf("%s: ledger entry %s is held by run %s until %s; retrying at %s", claimed.id(), key.id(),
                    busy.runId(), busy.leaseUntil(), retry);
            store.retryLater(claimed.id(), settings.instanceId(), retry);
            return null;
        }
        return executeAndRecord(claimed, executor, key, lease);
    }

    /** Runs the patch and records its outcome; null when it could not even start (see executeAgainLater). */
    private PatchflowEvent executeAndRecord(RunTarget claimed, PatchExecutor executor, LedgerKey key, Lease lease) {
        PatchflowEvent outcome;
        try {
            outcome = execute(claimed, executor, key, lease);
        } catch (StartNotRecordedException e) {
            executeAgainLater(claimed, key, e);
            return null;
        }
        return recorder.recordAndEmit(claimed.id(), outcome);
    }

    /**
     * The executor's child could not be recorded (MongoDB briefly down), so the executor stopped it before it did
     * anything: the target goes back to the queue, and this run's ledger claim is let go, to be executed again after
     * the busy-retry delay. If those writes fail too, the exception leaves the target claimed and RUNNING, and the
     * claim's expiry queues it again (the same run takes its ledger claim over).
     */
    private void executeAgainLater(RunTarget claimed, LedgerKey key, StartNotRecordedException e) {
        LOG.warnf("%s: %s; nothing ran, it is executed again in %s", claimed.id(), e.getMessage(),
                settings.busyRetry());
        if (key != null) {
            ledger.release(key, claimed.run().runId());
        }
        store.retryLater(claimed.id(), settings.instanceId(), clock.instant().plus(settings.busyRetry()));
    }

    private PatchflowEvent applyDryRun(RunTarget claimed, PatchExecutor executor, LedgerKey key) {
        // A dry run only reads the ledger: it never claims, so it can neither leave a claim behind nor
        // block a real run of the same patch.
        Optional<LedgerEntry> entry = ledger.find(key);
        if (entry.isPresent() && entry.get().state() == LedgerState.APPLIED) {
            LedgerEntry applied = entry.get();
            return recorder.recordAndEmit(claimed.id(), alreadyApplied(claimed.run(), claimed.target(),
                    new LedgerClaim.AlreadyApplied(applied.runId(), applied.appliedAt(), applied.exitCode()),
                    executor));
        }
        return executeAndRecord(claimed, executor, null, null);
    }

    private PatchflowEvent alreadyApplied(RunContext run, Target target, LedgerClaim.AlreadyApplied applied,
            PatchExecutor executor) {
        Map<String, String> details = new TreeMap<>();
        try {
            details.putAll(executor.describe(run, target));
        } catch (RuntimeException e) {
            // Only decoration of an outcome the ledger already decided.
            LOG.debugf(e, "executor %s cannot describe %s", executor.name(), target.id());
        }
        details.put("appliedByRun", String.valueOf(applied.runId()));
        if (applied.appliedAt() != null) {
            details.put("appliedAt", applied.appliedAt().toString());
        }
        if (run.runId().equals(applied.runId())) {
            // This run applied it and crashed before recording the run outcome: report what happened.
            details.put("recovered", "outcome taken from the ledger after an interrupted attempt");
            return new PatchApplied(run, target, PatchStatus.APPLIED, applied.exitCode(), null, null, null,
                    details);
        }
        return new PatchApplied(run, target, PatchStatus.ALREADY_APPLIED, null, null, null, null, details);
    }

    /**
     * Runs the executor (or adopts the child an earlier runner started for this claim), stores its output, and
     * records the attempt in the ledger when {@code key} is set (real runs only), fenced by {@code lease}.
     */
    private PatchflowEvent execute(RunTarget claimed, PatchExecutor executor, LedgerKey key, Lease lease) {
        RunContext run = claimed.run();
        Target target = claimed.target();
        boolean dryRun = run.options().dryRun();
        Duration timeout = settings.timeoutFor(run.patch());
        // As the claim read it: only the claim's holder records a child, so nothing newer can exist meanwhile.
        Optional<ChildProcess> earlier = executor instanceof AdoptableExecutor
                ? Optional.ofNullable(claimed.child())
                : Optional.empty();
        long started = System.nanoTime();
        AtomicReference<ChildProcess> child = new AtomicReference<>(earlier.orElse(null));
        ExecutionResult result = null;
        Path output = null;
        if (earlier.isPresent()) {
            output = Path.of(earlier.get().outputFile());
            try {
                result = ((AdoptableExecutor) executor)
                        .adopt(new ExecutionRequest(run, target, dryRun, timeout, output, lease, null), earlier.get())
                        .orElse(null);
            } catch (RuntimeException | Error e) {
                LOG.warnf(e, "cannot adopt %s of %s", earlier.get().describe(), claimed.id());
                result = executorFailed(executor, e, started);
            }
            if (result == null) {
                LOG.infof("%s: the recorded %s is gone without an outcome; executing again", claimed.id(),
                        earlier.get().describe());
                deleteQuietly(output);
            }
        }
        boolean adopted = result != null;
        if (result == null) {
            try {
                output = Files.createTempFile("patchflow-output-", ".log");
            } catch (IOException e) {
                if (key != null) {
                    ledger.markFailed(key, run.runId(), null, clock.instant(), lease);
                }
                return new PatchFailed(run, target, "cannot create an output file: " + e.getMessage(), null, null,
                        null, null, Map.of("executor", executor.name()));
            }
            try {
                ExecutionRequest request = new ExecutionRequest(run, target, dryRun, timeout, output, lease,
                        startedChild -> {
                            adoption.recordChild(claimed.id(), startedChild, clock.instant());
                            child.set(startedChild);
                        });
                // Cluster-aware order: the scheduler lets a primary go last; it hands its role over first.
                String stepDownFailure = isClusterPrimary(target) ? executor.stepDown(request) : null;
                result = stepDownFailure == null
                        ? executor.execute(request)
                        : ExecutionResult.failure("not patched: " + stepDownFailure, null,
                                Duration.ofNanos(System.nanoTime() - started), Map.of("stepDown", "failed"));
            } catch (StartNotRecordedException e) {
                // Nothing ran: no outcome, no ledger entry; the caller queues the target again.
                deleteQuietly(output);
                throw e;
            } catch (RuntimeException | Error e) {
                // An Error too (e.g. OutOfMemoryError on this worker): the target must end with a recorded outcome,
                // or it would stay RUNNING and be retried into the same failure after every lease.
                LOG.warnf(e, "executor %s failed on %s", executor.name(), claimed.id());
                result = executorFailed(executor, e, started);
            }
        }
        // The child's files stay until its outcome is in the ledger: if recording it fails (MongoDB briefly down),
        // the retry adopts the recorded child and reads its exit file instead of running the patch a second time.
        boolean keepFiles = true;
        try {
            if (Thread.currentThread().isInterrupted()) {
                // The runner is stopping: an execution cut short is not the patch's failure. Nothing is
                // recorded; the claim expires and the target is executed again (same run re-claims the ledger).
                keepFiles = false;
                throw new RunnerStoppingException(claimed.id());
            }
            Map<String, String> details = new TreeMap<>(result.details());
            details.put("executor", executor.name());
            if (adopted) {
                details.put("adopted", "outcome of " + earlier.get().describe()
                        + " started before the runner restarted");
            }
            if (lease != null) {
                details.put("lock", lease.name());
                details.put("lockToken", Long.toString(lease.token()));
            }
            String tail = OutputTail.lastLines(output, settings.outputTailLines());
            String location = null;
            try {
                location = outputs.store(run.runId(), target.id(), output);
            } catch (RuntimeException e) {
                // The patch ran: its outcome must be recorded even when the log cannot be kept.
                LOG.warnf(e, "cannot store the output of %s", claimed.id());
                details.put("outputStoreError", String.valueOf(e.getMessage()));
            }
            PatchStatus status = result.status() != null
                    ? result.status()
                    : dryRun ? PatchStatus.DRY_RUN : PatchStatus.APPLIED;
            if (key != null) {
                boolean accepted;
                if (result.succeeded() && status == PatchStatus.SKIPPED) {
                    // Nothing applied (e.g. the install is newer than the patch): the ledger must not say APPLIED.
                    ledger.release(key, run.runId());
                    accepted = true;
                } else if (result.succeeded()) {
                    accepted = ledger.markApplied(key, run.runId(), result.exitCode(), clock.instant(), lease);
                } else {
                    accepted = ledger.markFailed(key, run.runId(), result.exitCode(), clock.instant(), lease);
                }
                if (!accepted || (lease != null && locking != null && !locking.stillHolds(lease))) {
                    // A newer holder of the lock exists: this runner's view is stale and must not be recorded;
                    // the newer holder reports the target. The child's files stay for it to adopt.
                    throw new FencedOutException(claimed.id(), lease);
                }
            }
            // Recorded in the ledger (or nothing to record): the files are no longer needed for adoption.
            keepFiles = false;
            Long durationMs = result.duration() == null ? null : result.duration().toMillis();
            if (result.succeeded()) {
                return new PatchApplied(run, target, status, result.exitCode(), location, tail, durationMs, details);
            }
            String reason = result.failureReason() == null || result.failureReason().isBlank()
                    ? "executor " + executor.name() + " reported a failure without a reason"
                    : result.failureReason();
            return new PatchFailed(run, target, reason, result.exitCode(), location, tail, durationMs, details);
        } finally {
            if (!keepFiles) {
                // The outcome is about to be recorded: the child's files are no longer needed for adoption.
                deleteQuietly(output);
                if (child.get() != null && child.get().exitFile() != null) {
                    deleteQuietly(Path.of(child.get().exitFile()));
                }
            }
        }
    }

    /** A throwable out of an executor is a failure of the target, with what was thrown as its reason. */
    private static ExecutionResult executorFailed(PatchExecutor executor, Throwable e, long started) {
        String what = e instanceof Error ? e.toString() : String.valueOf(e.getMessage());
        return ExecutionResult.failure("executor " + executor.name() + " failed: " + what, null,
                Duration.ofNanos(System.nanoTime() - started), Map.of("executorFailure", e.getClass().getName()));
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", file, e.getMessage());
        }
    }

    /** Thrown when a newer holder of the target's lock exists: nothing is recorded by this (stale) holder. */
    public static final class FencedOutException extends RuntimeException {

        FencedOutException(String runTargetId, Lease lease) {
            super("the lock " + (lease == null ? "" : lease.name() + " (token " + lease.token() + ") ")
                    + "of " + runTargetId + " was taken over by a newer holder; its outcome is not recorded here");
        }
    }

    private static boolean isClusterPrimary(Target target) {
        return target.clusterId() != null && RolloutPlanner.isPrimary(target.role());
    }

    /** Thrown when an execution was interrupted by the runner's shutdown; the target stays claimed. */
    public static final class RunnerStoppingException extends RuntimeException {

        RunnerStoppingException(String runTargetId) {
            super("the runner stopped while executing " + runTargetId + "; it resumes after its lease expires");
        }
    }
}
