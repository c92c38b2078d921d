package dev.patchflow.runner.adapters.kubernetes;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import dev.patchflow.kubernetes.KubernetesContexts;
import dev.patchflow.kubernetes.WorkloadStatus;
import dev.patchflow.kubernetes.Workloads;
import dev.patchflow.runner.config.KubernetesJobConfig;
import dev.patchflow.runner.domain.AdoptableExecutor;
import dev.patchflow.runner.domain.ChildProcess;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.runner.domain.ExecutionResult;
import dev.patchflow.runner.domain.StartNotRecordedException;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;

/**
 * The {@code k8s-job} executor: a data patch is a versioned image run once as a Kubernetes Job in the patched
 * workload's namespace (seed 000).
 * <ol>
 * <li>Waits until the patched workload is Available ({@code serviceWaitSeconds}); if it never is, fails with
 * its status and creates nothing.</li>
 * <li>Creates the Job, named deterministically from run, target and patch, <em>suspended</em>; records it as the
 * target's child ({@code run_targets.child.handle}); then lifts {@code suspend}. A runner that dies before
 * recording leaves only a suspended Job, which the next attempt finds by name and adopts.</li>
 * <li>Waits for the Job's {@code Complete} or {@code Failed} condition (never pod phases); copies every pod's
 * log into the output, which the runner stores in S3, long before {@code ttlSecondsAfterFinished}.</li>
 * </ol>
 * A restarted runner is handed the recorded Job ({@link #adopt}) and waits for it; a Job that is gone by then
 * (its TTL passed while the runner was down) is reported failed, never created a second time.
 */
@ApplicationScoped
public class KubernetesJobExecutor implements AdoptableExecutor {

    private static final Logger LOG = Logger.getLogger(KubernetesJobExecutor.class);

    private final KubernetesContexts contexts;
    private final KubernetesJobConfig config;
    private final Clock clock;

    @Inject
    public KubernetesJobExecutor(KubernetesContexts contexts, KubernetesJobConfig config, Clock clock) {
        this.contexts = contexts;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public String name() {
        return PatchSpec.EXECUTOR_K8S_JOB;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
        Instant started = clock.instant();
        Target target = request.target();
        KubernetesTarget workload = target.kubernetes();
        if (workload == null || workload.namespace() == null || workload.workloadName() == null) {
            return ExecutionResult.failure("target " + target.id() + " has no Kubernetes workload: the k8s-job "
                    + "executor patches targets of the kubernetes inventory", null, Duration.ZERO, Map.of());
        }
        JobParameters parameters;
        KubernetesClient client;
        try {
            parameters = JobParameters.of(request.patch(), request.timeout(), config);
            contexts.requireNamespace(workload.context(), workload.namespace());
            client = contexts.client(workload.context());
        } catch (IllegalArgumentException e) {
            return ExecutionResult.failure(e.getMessage(), null, Duration.ZERO, Map.of());
        }
        String name = JobNames.of(request.run().runId(), target.id(), request.patch(), workload.workloadName());
        JobRef job = new JobRef(workload.context(), workload.namespace(), name);
        Map<String, String> details = details(job, parameters.image());

        Job existing = client.batch().v1().jobs().inNamespace(job.namespace()).withName(name).get();
        if (existing != null) {
            // An earlier attempt of this claim created it and died before recording it.
            LOG.infof("%s: adopting Job %s that an earlier attempt created", target.id(), job);
            try {
                request.onChildStarted()
                        .accept(ChildProcess.external(job.handle(), started, request.output().toString()));
            } catch (RuntimeException e) {
                LOG.warnf("%s: cannot record adopted Job %s: %s", target.id(), job, e.getMessage());
            }
            return adoptJob(client, job, existing, request, started, details);
        }
        WorkloadStatus status;
        try {
            status = Workloads.awaitAvailable(client, workload.workloadKind(), workload.namespace(),
                    workload.workloadName(), parameters.serviceWait(), config.pollInterval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExecutionResult.failure("interrupted (the runner is stopping)", null, since(started), details);
        }
        if (!status.isAvailable()) {
            details.put("serviceStatus", status.describe());
            return ExecutionResult.failure("not started: the patched service did not become Available within "
                    + parameters.serviceWait().toSeconds() + "s (" + status.describe() + "); no Job was created",
                    null, since(started), details);
        }
        Job created;
        try {
            created = client.batch().v1().jobs().inNamespace(job.namespace())
                    .resource(JobSpecs.build(name, request, parameters, config)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                Job raced = client.batch().v1().jobs().inNamespace(job.namespace()).withName(name).get();
                if (raced != null) {
                    return adoptJob(client, job, raced, request, started, details);
                }
            }
            return ExecutionResult.failure("cannot create Job " + job + ": " + apiError(e), null, since(started),
                    details);
        }
        try {
            request.onChildStarted().accept(ChildProcess.external(job.handle(), started, request.output().toString()));
        } catch (RuntimeException e) {
            // Not recorded = not adoptable: it must not run. It is still suspended; remove it, and the target is
            // executed again later (a Job left behind by a failed removal is adopted then, still suspended).
            deleteQuietly(client, job);
            throw new StartNotRecordedException("cannot record Job " + job + ": " + e.getMessage(), e);
        }
        LOG.infof("%s: created Job %s (image %s)", target.id(), job, parameters.image());
        return adoptJob(client, job, created, request, started, details);
    }

    @Override
    public Optional<ExecutionResult> adopt(ExecutionRequest request, ChildProcess child) {
        Instant started = child.processStart() == null ? clock.instant() : child.processStart();
        JobRef job;
        try {
            job = JobRef.parse(child.handle());
        } catch (IllegalArgumentException e) {
            return Optional.of(ExecutionResult.failure(e.getMessage(), null, since(started), Map.of()));
        }
        KubernetesClient client;
        try {
            client = contexts.client(job.context());
        } catch (IllegalArgumentException e) {
            return Optional.of(ExecutionResult.failure(e.getMessage(), null, since(started), Map.of()));
        }
        Map<String, String> details = details(job, request.patch().parameters().get(JobParameters.IMAGE));
        Job found = client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get();
        if (found == null) {
            return Optional.of(ExecutionResult.failure("Job " + job + " is gone: it was removed (by its "
                    + "ttlSecondsAfterFinished or by hand) before the runner read its outcome; it is not created again",
                    null, since(started), details));
        }
        LOG.infof("%s: adopting Job %s started before the runner restarted", request.target().id(), job);
        return Optional.of(adoptJob(client, job, found, request, started, details));
    }

    /** Resumes a suspended Job of this claim and waits for its outcome. */
    private ExecutionResult adoptJob(KubernetesClient client, JobRef job, Job found, ExecutionRequest request,
            Instant started, Map<String, String> details) {
        Map<String, String> annotations = found.getMetadata().getAnnotations() == null
                ? Map.of()
                : found.getMetadata().getAnnotations();
        if (!Objects.equals(annotations.get(JobSpecs.ANNOTATION_RUN), request.run().runId())
                || !Objects.equals(annotations.get(JobSpecs.ANNOTATION_TARGET), request.target().id())) {
            return ExecutionResult.failure("Job " + job + " exists but belongs to run "
                    + annotations.get(JobSpecs.ANNOTATION_RUN) + " / target "
                    + annotations.get(JobSpecs.ANNOTATION_TARGET) + "; not adopted", null, since(started), details);
        }
        if (Boolean.TRUE.equals(found.getSpec().getSuspend()) && terminal(found).isEmpty()) {
            client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name())
                    .edit(j -> {
                        j.getSpec().setSuspend(false);
                        return j;
                    });
        }
        return awaitOutcome(client, job, request, started, details);
    }

    private ExecutionResult awaitOutcome(KubernetesClient client, JobRef job, ExecutionRequest request,
            Instant started, Map<String, String> details) {
        // The Job controller enforces activeDeadlineSeconds; this only bounds a controller that says nothing.
        Instant giveUp = started.plus(request.timeout()).plus(config.deadlineGrace());
        while (true) {
            Job current;
            try {
                current = client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name()).get();
            } catch (KubernetesClientException e) {
                // The API server briefly unreachable delays the outcome, it does not decide it.
                LOG.debugf("reading Job %s failed: %s", job, e.getMessage());
                current = null;
                if (!pause(giveUp)) {
                    return ExecutionResult.failure("interrupted (the runner is stopping)", null, since(started),
                            details);
                }
                continue;
            }
            if (current == null) {
                return ExecutionResult.failure("Job " + job + " disappeared before it finished (deleted by hand?)",
                        null, since(started), details);
            }
            Optional<JobCondition> end = terminal(current);
            if (end.isPresent()) {
                return outcome(client, job, current, end.get(), request, started, details);
            }
            if (!clock.instant().isBefore(giveUp)) {
                deleteQuietly(client, job);
                return ExecutionResult.failure("Job " + job + " reported no outcome within "
                        + Duration.between(started, giveUp).toSeconds() + "s; deleted", null, since(started), details);
            }
            if (!pause(giveUp)) {
                return ExecutionResult.failure("interrupted (the runner is stopping)", null, since(started), details);
            }
        }
    }

    private ExecutionResult outcome(KubernetesClient client, JobRef job, Job finished, JobCondition end,
            ExecutionRequest request, Instant started, Map<String, String> details) {
        List<Pod> pods = pods(client, job);
        Integer exitCode = copyLogs(client, job, pods, request.output());
        var status = finished.getStatus();
        int attempts = count(status.getSucceeded()) + count(status.getFailed());
        details.put("jobAttempts", Integer.toString(attempts));
        details.put("jobCondition", end.getType() + (end.getReason() == null ? "" : "/" + end.getReason()));
        if ("Complete".equals(end.getType())) {
            return ExecutionResult.success(exitCode == null ? 0 : exitCode, since(started), details);
        }
        String reason = end.getReason() == null ? "" : end.getReason();
        String message = end.getMessage() == null ? "" : ": " + end.getMessage();
        String why = switch (reason) {
            case "DeadlineExceeded" -> "Job " + job + " exceeded its deadline of "
                    + finished.getSpec().getActiveDeadlineSeconds() + "s (activeDeadlineSeconds)";
            case "PodFailurePolicy" -> "Job " + job + " failed with non-retriable exit code "
                    + (exitCode == null ? "?" : exitCode) + " (podFailurePolicy)" + message;
            case "BackoffLimitExceeded" -> "Job " + job + " failed " + count(status.getFailed())
                    + " time(s), backoffLimit " + finished.getSpec().getBackoffLimit() + " reached"
                    + (exitCode == null ? "" : "; last exit code " + exitCode);
            default -> "Job " + job + " failed" + (reason.isEmpty() ? "" : " (" + reason + ")") + message;
        };
        return ExecutionResult.failure(why, exitCode, since(started), details);
    }

    /** {@code Complete=True} or {@code Failed=True}; other conditions (Suspended, FailureTarget…) are not the end. */
    static Optional<JobCondition> terminal(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> "True".equals(c.getStatus()))
                .filter(c -> "Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                .findFirst();
    }

    private static List<Pod> pods(KubernetesClient client, JobRef job) {
        return client.pods().inNamespace(job.namespace()).withLabel("job-name", job.name()).list().getItems()
                .stream()
                .sorted(Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
    }

    /** Appends every pod's log to {@code output}; returns the last pod's patch container exit code. */
    private static Integer copyLogs(KubernetesClient client, JobRef job, List<Pod> pods, Path output) {
        Integer exitCode = null;
        StringBuilder text = new StringBuilder();
        for (Pod pod : pods) {
            Integer code = exitCode(pod);
            exitCode = code == null ? exitCode : code;
            text.append("--- pod ").append(pod.getMetadata().getName())
                    .append(code == null ? "" : " (exit code " + code + ")").append(" ---\n");
            try {
                String log = client.pods().inNamespace(job.namespace()).withName(pod.getMetadata().getName())
                        .inContainer(JobSpecs.CONTAINER).getLog();
                text.append(log == null ? "" : log);
                if (log != null && !log.isEmpty() && !log.endsWith("\n")) {
                    text.append('\n');
                }
            } catch (KubernetesClientException e) {
                text.append("(log not readable: ").append(apiError(e)).append(")\n");
            }
        }
        if (pods.isEmpty()) {
            text.append("--- Job ").append(job).append(" has no pods left to read logs from ---\n");
        }
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the logs of Job " + job + " to " + output, e);
        }
        return exitCode;
    }

    private static Integer exitCode(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> JobSpecs.CONTAINER.equals(s.getName()))
                .map(ContainerStatus::getState)
                .filter(state -> state != null && state.getTerminated() != null)
                .map(state -> state.getTerminated().getExitCode())
                .findFirst().orElse(null);
    }

    private boolean pause(Instant giveUp) {
        long millis = Math.max(1, Math.min(config.pollInterval().toMillis(),
                Duration.between(clock.instant(), giveUp).toMillis()));
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            // The runner is stopping: the Job goes on and is adopted after the restart.
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void deleteQuietly(KubernetesClient client, JobRef job) {
        try {
            client.batch().v1().jobs().inNamespace(job.namespace()).withName(job.name())
                    .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            LOG.warnf("cannot delete Job %s: %s", job, e.getMessage());
        }
    }

    private static Map<String, String> details(JobRef job, String image) {
        Map<String, String> details = new TreeMap<>();
        details.put("job", job.namespace() + "/" + job.name());
        details.put("context", job.context());
        if (image != null) {
            details.put("image", image);
        }
        return details;
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }

    private static String apiError(KubernetesClientException e) {
        return e.getCode() > 0 ? "HTTP " + e.getCode() + " " + e.getMessage() : String.valueOf(e.getMessage());
    }

    /** A Job: {@code job/<context>/<namespace>/<name>} as the recorded handle. */
    record JobRef(String context, String namespace, String name) {

        String handle() {
            return "job/" + context + "/" + namespace + "/" + name;
        }

        static JobRef parse(String handle) {
            String[] parts = handle == null ? new String[0] : handle.split("/");
            if (parts.length != 4 || !"job".equals(parts[0])) {
                throw new IllegalArgumentException("recorded child '" + handle + "' is not a Kubernetes Job");
            }
            return new JobRef(parts[1], parts[2], parts[3]);
        }

        @Override
        public String toString() {
            return namespace + "/" + name;
        }
    }
}
