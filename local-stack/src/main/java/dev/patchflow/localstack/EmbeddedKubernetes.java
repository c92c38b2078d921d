package dev.patchflow.localstack;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;

/**
 * A Kubernetes API stand-in on loopback: fabric8's mock server in CRUD mode (objects created, read, patched,
 * listed and watched as on a real API server, plus scripted answers for what CRUD does not cover, such as pod
 * logs and service proxies). There are no controllers: a test plays them, e.g. the Job controller with
 * {@link #finishJob}, the Deployment controller with {@link #setDeploymentStatus}.
 * <p>
 * No API server can run on the build machines, so this is what scanner, runner, validator and the end-to-end
 * test talk to through the real fabric8 client; services reach it with {@link #serviceProperties()}.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

    /** The container name the {@code k8s-job} executor gives the patch container. */
    public static final String PATCH_CONTAINER = "patch";
    /** A pod's log, as {@code GET …/pods/<pod>/log} answers it. */
    public static final String LOG_ANNOTATION = "standin.patchflow.dev/log";
    /** The HTTP status a GET through a Service's proxy answers (default 503: nothing behind it). */
    public static final String PROXY_STATUS_ANNOTATION = "standin.patchflow.dev/proxy-status";
    public static final String PROXY_BODY_ANNOTATION = "standin.patchflow.dev/proxy-body";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final String url;

    private EmbeddedKubernetes(KubernetesMockServer server, KubernetesClient client, String url) {
        this.server = server;
        this.client = client;
        this.url = url;
    }

    /**
     * A view of a server started elsewhere (another class loader, another process): the same helpers through a
     * client of {@code url}; {@link #close()} closes only the client.
     */
    public static EmbeddedKubernetes connect(String url) {
        KubernetesClient client = new io.fabric8.kubernetes.client.KubernetesClientBuilder()
                .withConfig(new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl(url).withTrustCerts(true)
                        .withNamespace("default").build())
                .build();
        return new EmbeddedKubernetes(null, client, url);
    }

    /** Starts the server on a free loopback port. */
    public static EmbeddedKubernetes start() {
        // The mock server logs every request at INFO; a test's output should show the test.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesStandInDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        return new EmbeddedKubernetes(server, client, client.getConfiguration().getMasterUrl());
    }

    /** {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return url;
    }

    /**
     * Every request the server answered, {@code METHOD path} without the query, in order (e.g. to count
     * {@code POST /apis/batch/v1/namespaces/rules/jobs}).
     */
    public List<String> requests() {
        try {
            // HTTP/1.1: the JDK client's default h2c upgrade attempt is not answered by the mock server.
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                    .version(java.net.http.HttpClient.Version.HTTP_1_1)
                    .connectTimeout(java.time.Duration.ofSeconds(10)).build().send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.replaceAll("/+$", "")
                                    + KubernetesStandInDispatcher.REQUESTS_PATH))
                                    .timeout(java.time.Duration.ofSeconds(30)).GET().build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.body().isEmpty() ? List.of() : List.of(response.body().split("\n"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A client of the server (plays the controllers, checks what services created). */
    public KubernetesClient client() {
        return client;
    }

    /** What a Quarkus service with {@code quarkus-kubernetes-client} needs to use this server as its cluster. */
    public Map<String, String> serviceProperties() {
        return Map.of("quarkus.kubernetes-client.api-server-url", url(),
                "quarkus.kubernetes-client.trust-certs", "true",
                "quarkus.kubernetes-client.namespace", "default");
    }

    // ---- workloads -----------------------------------------------------------------------------------

    /** Creates a Deployment (no status yet: not Available until {@link #setDeploymentStatus}). */
    public Deployment createDeployment(String namespace, String name, Map<String, String> labels, String image,
            int replicas) {
        Map<String, String> selector = Map.of("app.kubernetes.io/name", name);
        Map<String, String> podLabels = new HashMap<>(labels);
        podLabels.putAll(selector);
        return client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image).endContainer().endSpec()
                .endTemplate().endSpec()
                .build()).create();
    }

    /** Plays the Deployment controller: ready/available replicas and the {@code Available} condition. */
    public void setDeploymentStatus(String namespace, String name, int ready, boolean available) {
        client.apps().deployments().inNamespace(namespace).withName(name).editStatus(d -> {
            d.setStatus(new DeploymentStatusBuilder().withReplicas(d.getSpec().getReplicas())
                    .withReadyReplicas(ready).withAvailableReplicas(available ? ready : 0).withUpdatedReplicas(ready)
                    .withObservedGeneration(d.getMetadata().getGeneration())
                    .withConditions(new DeploymentConditionBuilder().withType("Available")
                            .withStatus(available ? "True" : "False")
                            .withReason(available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable")
                            .withMessage(available
                                    ? "Deployment has minimum availability."
                                    : "Deployment does not have minimum availability.")
                            .build())
                    .build());
            return d;
        });
    }

    public StatefulSet createStatefulSet(String namespace, String name, Map<String, String> labels, String image,
            int replicas) {
        Map<String, String> selector = Map.of("app.kubernetes.io/name", name);
        Map<String, String> podLabels = new HashMap<>(labels);
        podLabels.putAll(selector);
        return client.apps().statefulSets().inNamespace(namespace).resource(new StatefulSetBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name).withNewSelector()
                .withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image).endContainer().endSpec()
                .endTemplate().endSpec()
                .build()).create();
    }

    /** Plays the StatefulSet controller. */
    public void setStatefulSetStatus(String namespace, String name, int ready) {
        client.apps().statefulSets().inNamespace(namespace).withName(name).editStatus(s -> {
            s.setStatus(new StatefulSetStatusBuilder().withReplicas(s.getSpec().getReplicas()).withReadyReplicas(ready)
                    .withAvailableReplicas(ready).withCurrentReplicas(ready).withUpdatedReplicas(ready).build());
            return s;
        });
    }

    /** A ClusterIP Service selecting the workload's pods ({@code app.kubernetes.io/name=<workload>}). */
    public void createService(String namespace, String name, String workload, int port) {
        client.services().inNamespace(namespace).resource(new ServiceBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).withAnnotations(new HashMap<>())
                .endMetadata()
                .withNewSpec().withSelector(Map.of("app.kubernetes.io/name", workload))
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(port)).endPort()
                .endSpec().build()).create();
    }

    /**
     * Scripts what a GET through the Service's proxy ({@code /api/v1/namespaces/<ns>/services/<svc>:<port>/proxy/…})
     * answers: the workload behind it is healthy (200) or not.
     */
    public void answerServiceProxy(String namespace, String service, int status, String body) {
        client.services().inNamespace(namespace).withName(service).edit(s -> {
            s.getMetadata().getAnnotations().put(PROXY_STATUS_ANNOTATION, Integer.toString(status));
            s.getMetadata().getAnnotations().put(PROXY_BODY_ANNOTATION, body == null ? "" : body);
            return s;
        });
    }

    // ---- Jobs: the test is the Job controller --------------------------------------------------------

    /** The Jobs in a namespace, as the API server has them. */
    public List<Job> jobs(String namespace) {
        return client.batch().v1().jobs().inNamespace(namespace).list().getItems();
    }

    public Optional<Job> job(String namespace, String name) {
        return Optional.ofNullable(client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    }

    /** How a Job ends. */
    public enum JobEnd {

        /** {@code Complete=True}. */
        COMPLETE(null),
        /** {@code Failed=True}, reason {@code BackoffLimitExceeded}: every retry failed. */
        BACKOFF_LIMIT_EXCEEDED("BackoffLimitExceeded"),
        /** {@code Failed=True}, reason {@code PodFailurePolicy}: a non-retriable exit code. */
        POD_FAILURE_POLICY("PodFailurePolicy"),
        /** {@code Failed=True}, reason {@code DeadlineExceeded}: {@code activeDeadlineSeconds} passed. */
        DEADLINE_EXCEEDED("DeadlineExceeded");

        private final String reason;

        JobEnd(String reason) {
            this.reason = reason;
        }
    }

    /**
     * Plays the Job controller and the kubelet for one started (not suspended) Job: a pod that ran the patch
     * container and ended with {@code exitCode} (none for a deadline), its log, then the Job's terminal
     * condition.
     */
    public void finishJob(String namespace, String jobName, JobEnd end, Integer exitCode, String log) {
        Job job = job(namespace, jobName)
                .orElseThrow(() -> new IllegalStateException("no Job " + namespace + "/" + jobName));
        String podName = jobName + "-" + Integer.toHexString(jobName.hashCode() & 0xfffff);
        Map<String, String> labels = new HashMap<>();
        labels.put("job-name", jobName);
        labels.put("batch.kubernetes.io/job-name", jobName);
        if (job.getMetadata().getUid() != null) {
            labels.put("controller-uid", job.getMetadata().getUid());
        }
        String now = Instant.now().toString();
        PodBuilder pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(podName)
                .withLabels(labels).withCreationTimestamp(now).addToAnnotations(LOG_ANNOTATION, log == null ? "" : log)
                .endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec());
        if (exitCode != null) {
            pod.withNewStatus().withPhase(exitCode == 0 ? "Succeeded" : "Failed")
                    .withContainerStatuses(new ContainerStatusBuilder().withName(PATCH_CONTAINER)
                            .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
                                    .withReason(exitCode == 0 ? "Completed" : "Error").endTerminated().build())
                            .build())
                    .endStatus();
        } else {
            pod.withNewStatus().withPhase("Failed").withReason("DeadlineExceeded").endStatus();
        }
        client.pods().inNamespace(namespace).resource(pod.build()).create();
        List<io.fabric8.kubernetes.api.model.batch.v1.JobCondition> conditions = new ArrayList<>();
        if (end == JobEnd.COMPLETE) {
            conditions.add(new JobConditionBuilder().withType("Complete").withStatus("True")
                    .withLastTransitionTime(now).build());
        } else {
            conditions.add(new JobConditionBuilder().withType("Failed").withStatus("True").withReason(end.reason)
                    .withMessage(switch (end) {
                        case BACKOFF_LIMIT_EXCEEDED -> "Job has reached the specified backoff limit";
                        case DEADLINE_EXCEEDED -> "Job was active longer than specified deadline";
                        case POD_FAILURE_POLICY -> "Container " + PATCH_CONTAINER + " for pod " + namespace + "/"
                                + podName + " failed with exit code " + exitCode
                                + " matching FailJob rule at index 0";
                        default -> null;
                    }).withLastTransitionTime(now).build());
        }
        client.batch().v1().jobs().inNamespace(namespace).withName(jobName).editStatus(j -> {
            j.setStatus(new JobStatusBuilder().withStartTime(now).withActive(0)
                    .withSucceeded(end == JobEnd.COMPLETE ? 1 : 0).withFailed(end == JobEnd.COMPLETE ? 0 : 1)
                    .withCompletionTime(end == JobEnd.COMPLETE ? now : null).withConditions(conditions).build());
            return j;
        });
    }

    @Override
    public void close() {
        client.close();
        if (server != null) {
            server.destroy();
        }
    }
}
