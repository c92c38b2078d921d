package dev.patchflow.runner.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.patchflow.runner.support.Fixtures;
import dev.patchflow.schemas.events.PatchApplied;
import dev.patchflow.schemas.events.PatchFailed;
import dev.patchflow.schemas.events.PatchStatus;
import dev.patchflow.schemas.events.PatchflowEvent;
import dev.patchflow.schemas.events.Phases;
import dev.patchflow.schemas.events.RunContext;

/** What the applier records, stores and emits for each answer of the ledger and the executor. */
class PatchApplierTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");

    private final RunContext run = Fixtures.run("run-2", Fixtures.patch("demo-app", "1.1.0", "fake", List.of(), 30),
            false, Phases.ALL, null);
    private final RunTarget target = new RunTarget("run-2/db-1", "run-2", "db-1", TargetState.RUNNING, run,
            Fixtures.staticTarget("db-1"), null, false, "runner-a", NOW.plusSeconds(35), NOW, NOW, null);

    private final Map<String, PatchflowEvent> recorded = new HashMap<>();
    private final List<PatchflowEvent> published = new ArrayList<>();
    private final List<String> ledgerWrites = new ArrayList<>();
    private final List<Instant> retries = new ArrayList<>();
    private final AtomicInteger executions = new AtomicInteger();
    private LedgerClaim claim = new LedgerClaim.Claimed(1);
    private boolean interruptDuringExecution;
    private ExecutionResult scriptedResult = ExecutionResult.success(0, Duration.ofMillis(12), Map.of());
    private Error thrown;
    private StartNotRecordedException notRecorded;

    private PatchApplier applier() {
        RunnerSettings settings = new RunnerSettings(4, 4, Duration.ofMinutes(10), Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10), 20, Path.of("."), "runner-a",
                "/patchflow/patch-runner-svc");
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        PatchExecutor fake = new PatchExecutor() {

            @Override
            public String name() {
                return "fake";
            }

            @Override
            public ExecutionResult execute(ExecutionRequest request) {
                executions.incrementAndGet();
                try {
                    Files.writeString(request.output(), "did it\n");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                if (thrown != null) {
                    throw thrown;
                }
                if (notRecorded != null) {
                    throw notRecorded;
                }
                if (interruptDuringExecution) {
                    Thread.currentThread().interrupt();
                    return ExecutionResult.failure("interrupted", null, Duration.ZERO, Map.of());
                }
                return scriptedResult;
            }
        };
        RunTargetStore store = new FakeStore();
        OutcomeRecorder recorder = new OutcomeRecorder(store, published::add, clock);
        return new PatchApplier(new ExecutorRegistry(List.of(fake)), new FakeLedger(), store,
                (runId, targetId, file) -> "s3://patchflow/logs/" + runId + "/" + targetId + ".log", recorder,
                settings, clock);
    }

    @Test
    void aClaimedTargetIsExecutedRecordedAppliedInTheLedgerAndEmitted() {
        applier().apply(target);

        assertThat(executions).hasValue(1);
        assertThat(ledgerWrites).containsExactly("applied db-1|demo-app|1.1.0 run-2 0");
        assertThat(published).singleElement().isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(a.outputTail()).isEqualTo("did it");
            assertThat(a.outputLocation()).isEqualTo("s3://patchflow/logs/run-2/db-1.log");
            assertThat(a.durationMs()).isEqualTo(12);
        });
        assertThat(recorded).containsEntry("run-2/db-1", published.get(0));
    }

    @Test
    void anExecutorThatThrowsAnErrorEndsTheTargetPatchFailedWithWhatWasThrown() {
        // Finding 2 of issue #7: an OutOfMemoryError on a worker left the target without any outcome.
        thrown = new OutOfMemoryError("Java heap space");

        applier().apply(target);

        assertThat(ledgerWrites).containsExactly("failed db-1|demo-app|1.1.0 run-2 null");
        assertThat(published).singleElement().isInstanceOfSatisfying(PatchFailed.class, f -> {
            assertThat(f.reason()).isEqualTo("executor fake failed: java.lang.OutOfMemoryError: Java heap space");
            assertThat(f.details()).containsEntry("executorFailure", "java.lang.OutOfMemoryError")
                    .containsEntry("executor", "fake");
            assertThat(f.outputTail()).isEqualTo("did it");
        });
        assertThat(recorded).containsEntry("run-2/db-1", published.get(0));
    }

    @Test
    void anExecutorThatFindsTheReleaseInstalledReportsAlreadyAppliedAndTheLedgerRecordsIt() {
        scriptedResult = ExecutionResult.success(PatchStatus.ALREADY_APPLIED, Duration.ofMillis(3),
                Map.of("strategy", "NoUpgrade"));

        applier().apply(target);

        assertThat(ledgerWrites).containsExactly("applied db-1|demo-app|1.1.0 run-2 null");
        assertThat(published).singleElement().isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
            assertThat(a.details()).containsEntry("strategy", "NoUpgrade").containsEntry("executor", "fake");
        });
    }

    @Test
    void anExecutorThatSkipsANewerInstallReleasesTheLedgerClaimInsteadOfMarkingItApplied() {
        scriptedResult = ExecutionResult.success(PatchStatus.SKIPPED, Duration.ofMillis(3), Map.of());

        applier().apply(target);

        assertThat(ledgerWrites).containsExactly("released db-1|demo-app|1.1.0 run-2");
        assertThat(published).singleElement()
                .isInstanceOfSatisfying(PatchApplied.class, a -> assertThat(a.status()).isEqualTo(PatchStatus.SKIPPED));
    }

    @Test
    void aTargetAppliedByAnotherRunIsAlreadyAppliedWithoutExecuting() {
        claim = new LedgerClaim.AlreadyApplied("run-1", NOW.minusSeconds(3600), 0);

        applier().apply(target);

        assertThat(executions).hasValue(0);
        assertThat(ledgerWrites).isEmpty();
        assertThat(published).singleElement().isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.ALREADY_APPLIED);
            assertThat(a.details()).containsEntry("appliedByRun", "run-1");
        });
    }

    @Test
    void aTargetThisRunAppliedBeforeACrashIsReportedAppliedFromTheLedgerWithoutExecutingAgain() {
        claim = new LedgerClaim.AlreadyApplied("run-2", NOW.minusSeconds(60), 0);

        applier().apply(target);

        assertThat(executions).hasValue(0);
        assertThat(published).singleElement().isInstanceOfSatisfying(PatchApplied.class, a -> {
            assertThat(a.status()).isEqualTo(PatchStatus.APPLIED);
            assertThat(a.details()).containsKey("recovered");
        });
    }

    @Test
    void aTargetHeldByAnotherRunGoesBackToReadyWithoutExecutingOrEmitting() {
        claim = new LedgerClaim.Busy("run-1", "runner-b", NOW.plusSeconds(300));

        applier().apply(target);

        assertThat(executions).hasValue(0);
        assertThat(published).isEmpty();
        assertThat(recorded).isEmpty();
        assertThat(retries).containsExactly(NOW.plusSeconds(5));
    }

    /**
     * The executor could not record its child (MongoDB briefly down) and stopped it before it did anything: not a
     * failure of the patch. Nothing is recorded or emitted, this run's ledger claim is let go, and the target goes
     * back to the queue to be executed again after the busy-retry delay (found by DependencyOutageIT: a run ended
     * FAILED with "cannot record the started process: Prematurely reached end of stream").
     */
    @Test
    void aStartThatCouldNotBeRecordedGoesBackToTheQueueWithoutAnOutcome() {
        notRecorded = new StartNotRecordedException("cannot record the started process: connection refused",
                new IllegalStateException("connection refused"));

        PatchflowEvent outcome = applier().apply(target);

        assertThat(outcome).isNull();
        assertThat(executions).hasValue(1);
        assertThat(ledgerWrites).containsExactly("released db-1|demo-app|1.1.0 run-2");
        assertThat(recorded).isEmpty();
        assertThat(published).isEmpty();
        assertThat(retries).containsExactly(NOW.plusSeconds(5));
    }

    @Test
    void anExecutionInterruptedByShutdownRecordsNothingAndLeavesTheClaim() {
        interruptDuringExecution = true;
        try {
            assertThatThrownBy(() -> applier().apply(target))
                    .isInstanceOf(PatchApplier.RunnerStoppingException.class);
        } finally {
            Thread.interrupted();
        }

        assertThat(ledgerWrites).isEmpty();
        assertThat(recorded).isEmpty();
        assertThat(published).isEmpty();
    }

    private final class FakeLedger implements PatchLedger {

        @Override
        public LedgerClaim claim(LedgerKey key, String runId, String owner, Instant now, Instant leaseUntil) {
            return claim;
        }

        @Override
        public void markApplied(LedgerKey key, String runId, Integer exitCode, Instant appliedAt) {
            ledgerWrites.add("applied " + key.id() + " " + runId + " " + exitCode);
        }

        @Override
        public void markFailed(LedgerKey key, String runId, Integer exitCode, Instant failedAt) {
            ledgerWrites.add("failed " + key.id() + " " + runId + " " + exitCode);
        }

        @Override
        public void release(LedgerKey key, String runId) {
            ledgerWrites.add("released " + key.id() + " " + runId);
        }

        @Override
        public Optional<LedgerEntry> find(LedgerKey key) {
            return Optional.empty();
        }
    }

    private final class FakeStore implements RunTargetStore {

        @Override
        public List<Stored> insertAllIfAbsent(List<RunTarget> records, Map<String, String> arrivalNonces) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Claim claim(String id, String owner, Instant now, Instant leaseUntil, long slot) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete(String id, PatchflowEvent outcome, Instant now) {
            recorded.put(id, outcome);
        }

        @Override
        public void markEmitted(String id, Instant now) {
        }

        @Override
        public void keepForResend(String id, String owner, Instant now) {
        }

        @Override
        public void retryLater(String id, String owner, Instant notBefore) {
            retries.add(notBefore);
        }

        @Override
        public List<ReadyTarget> findReady(Instant now, int limit) {
            return List.of();
        }

        @Override
        public List<ReadyTarget> releaseExpired(Instant now) {
            return List.of();
        }

        @Override
        public List<RunTarget> findUnemitted(Instant before, int limit) {
            return List.of();
        }

        @Override
        public List<RunTarget> findByRun(String runId) {
            return List.of();
        }

        @Override
        public List<RunTarget> findRunning(int limit) {
            return List.of();
        }

        @Override
        public Optional<RunTarget> find(String id) {
            return Optional.empty();
        }

        @Override
        public Map<String, Facts> facts(Collection<String> ids) {
            return Map.of();
        }

        @Override
        public boolean endClaimed(String id, PatchflowEvent outcome, Instant now, String endNonce) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void releaseClaim(String id, String owner) {
        }

        @Override
        public Optional<String> recordValidation(String id, String nonce, boolean passed) {
            return Optional.empty();
        }
    }
}
