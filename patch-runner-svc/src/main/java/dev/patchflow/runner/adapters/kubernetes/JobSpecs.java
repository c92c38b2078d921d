package dev.patchflow.runner.adapters.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvFromSourceBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRuleBuilder;

import dev.patchflow.runner.config.KubernetesJobConfig;
import dev.patchflow.runner.domain.ExecutionRequest;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.PatchSpec;
import dev.patchflow.schemas.events.Target;

/** The Job the {@code k8s-job} executor creates for one request. */
public final class JobSpecs {

    /** The patch container's name: the podFailurePolicy's exit-code rule and the log reader refer to it. */
    public static final String CONTAINER = "patch";
    /** Where {@code secretFiles} Secrets are mounted, one folder per Secret. */
    public static final String SECRETS_DIR = "/var/run/secrets/patchflow";
    public static final String DRY_RUN_FLAG = "--dry-run";

    public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String LABEL_JOB_KEY = "patchflow.dev/job-key";
    public static final String LABEL_PATCH = "patchflow.dev/patch-id";
    public static final String ANNOTATION_RUN = "patchflow.dev/run-id";
    public static final String ANNOTATION_TARGET = "patchflow.dev/target-id";
    public static final String ANNOTATION_PATCH = "patchflow.dev/patch";

    private JobSpecs() {
    }

    /**
     * A suspended Job: it starts no pod until the runner has recorded it and lifts {@code suspend}, so that a
     * runner that dies in between never leaves a Job running that nobody knows about.
     */
    public static Job build(String name, ExecutionRequest request, JobParameters parameters,
            KubernetesJobConfig config) {
        Target target = request.target();
        KubernetesTarget workload = target.kubernetes();
        PatchSpec patch = request.patch();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_MANAGED_BY, "patchflow");
        labels.put("app.kubernetes.io/component", "patch");
        labels.put(LABEL_PATCH, JobNames.labelValue(patch.id()));
        labels.put(LABEL_JOB_KEY, JobNames.key(request.run().runId(), target.id(), patch));
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION_RUN, request.run().runId());
        annotations.put(ANNOTATION_TARGET, target.id());
        annotations.put(ANNOTATION_PATCH, patch.id() + "@" + patch.version());

        List<String> args = new ArrayList<>(patch.command());
        if (request.dryRun()) {
            args.add(DRY_RUN_FLAG);
        }
        List<VolumeMount> mounts = new ArrayList<>();
        List<Volume> volumes = new ArrayList<>();
        // The root file system is read-only; patches get a writable /tmp.
        volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        for (String secret : parameters.secretFiles()) {
            String volume = "secret-" + JobNames.dnsPart(secret);
            volumes.add(new VolumeBuilder().withName(volume).withNewSecret().withSecretName(secret)
                    .withDefaultMode(0440).endSecret().build());
            mounts.add(new VolumeMountBuilder().withName(volume).withMountPath(SECRETS_DIR + "/" + secret)
                    .withReadOnly(true).build());
        }
        List<EnvFromSource> envFrom = parameters.envFromSecrets().stream()
                .map(secret -> new EnvFromSourceBuilder().withNewSecretRef().withName(secret).endSecretRef().build())
                .toList();

        Container container = new ContainerBuilder().withName(CONTAINER).withImage(parameters.image())
                .withImagePullPolicy(parameters.imagePullPolicy())
                .withArgs(args)
                .withEnv(environment(request))
                .withEnvFrom(envFrom)
                .withVolumeMounts(mounts)
                .withNewResources()
                .addToRequests("cpu", new Quantity(config.cpuRequest()))
                .addToRequests("memory", new Quantity(config.memoryRequest()))
                .addToLimits("cpu", new Quantity(config.cpuLimit()))
                .addToLimits("memory", new Quantity(config.memoryLimit()))
                .endResources()
                .withNewSecurityContext().withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true).withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext()
                .build();

        List<PodFailurePolicyRule> rules = new ArrayList<>();
        if (!parameters.nonRetriableExitCodes().isEmpty()) {
            // A patch that says its failure is permanent is not retried.
            rules.add(new PodFailurePolicyRuleBuilder().withAction("FailJob").withNewOnExitCodes()
                    .withContainerName(CONTAINER).withOperator("In").withValues(parameters.nonRetriableExitCodes())
                    .endOnExitCodes().build());
        }
        // A pod evicted or preempted (node drain, preemption) did not fail the patch: it does not use up a retry.
        rules.add(new PodFailurePolicyRuleBuilder().withAction("Ignore").addNewOnPodCondition()
                .withType("DisruptionTarget").withStatus("True").endOnPodCondition().build());

        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(workload.namespace()).withLabels(labels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withSuspend(true)
                .withBackoffLimit(parameters.backoffLimit())
                .withActiveDeadlineSeconds(parameters.activeDeadlineSeconds())
                .withTtlSecondsAfterFinished(parameters.ttlSecondsAfterFinished())
                .withNewPodFailurePolicy().withRules(rules).endPodFailurePolicy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(parameters.serviceAccount())
                // Only a patch that was given a service account (to wait for its Deployment) gets an API token.
                .withAutomountServiceAccountToken(parameters.serviceAccount() != null)
                .withNewSecurityContext().withRunAsNonRoot(true).withNewSeccompProfile().withType("RuntimeDefault")
                .endSeccompProfile().endSecurityContext()
                .withContainers(container)
                .withVolumes(volumes)
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** What the patch knows about its run, as patch-sdk reads it ({@code PATCHFLOW_*}); never a credential. */
    static List<EnvVar> environment(ExecutionRequest request) {
        Target target = request.target();
        KubernetesTarget workload = target.kubernetes();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATCHFLOW_RUN_ID", request.run().runId());
        env.put("PATCHFLOW_TARGET_ID", target.id());
        env.put("PATCHFLOW_TARGET_NAME", target.name());
        env.put("PATCHFLOW_PATCH_ID", request.patch().id());
        env.put("PATCHFLOW_PATCH_VERSION", request.patch().version());
        env.put("PATCHFLOW_DRY_RUN", Boolean.toString(request.dryRun()));
        env.put("PATCHFLOW_NAMESPACE", workload.namespace());
        env.put("PATCHFLOW_WORKLOAD", workload.workloadKind() + "/" + workload.workloadName());
        env.put("PATCHFLOW_SECRETS_DIR", SECRETS_DIR);
        if (request.lock() != null) {
            env.put("PATCHFLOW_LOCK_NAME", request.lock().name());
            env.put("PATCHFLOW_LOCK_TOKEN", Long.toString(request.lock().token()));
        }
        return env.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
    }
}
