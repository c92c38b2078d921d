package dev.patchflow.validator.adapters.kubernetes;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;

import dev.patchflow.kubernetes.KubernetesContexts;
import dev.patchflow.kubernetes.WorkloadStatus;
import dev.patchflow.kubernetes.Workloads;
import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.KubernetesTarget;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.config.ValidatorConfig;
import dev.patchflow.validator.domain.CheckTimeouts;
import dev.patchflow.validator.domain.HealthCheck;
import dev.patchflow.validator.domain.ValidationInterruptedException;

/**
 * {@code kubernetes}: the workload is Available and every desired replica is ready (a patch that restarts the
 * pods gets until the check's timeout to settle); then, if {@code url} is set, one GET through the API server's
 * service proxy ({@code /api/v1/namespaces/<ns>/services/<service>:<port>/proxy/<path>}) must answer
 * {@code expectStatus} (default 200). Through the proxy, the validator needs no route into the cluster's network,
 * only the API access it already has.
 */
@Singleton
public class KubernetesCheck implements HealthCheck {

    static final int DEFAULT_STATUS = 200;

    private final KubernetesContexts contexts;
    private final Duration defaultTimeout;
    private final Duration pollInterval;

    @Inject
    public KubernetesCheck(KubernetesContexts contexts, ValidatorConfig config) {
        this(contexts, config.defaultTimeout(), Duration.ofSeconds(1));
    }

    public KubernetesCheck(KubernetesContexts contexts, Duration defaultTimeout, Duration pollInterval) {
        this.contexts = contexts;
        this.defaultTimeout = defaultTimeout;
        this.pollInterval = pollInterval;
    }

    @Override
    public String type() {
        return CheckSpec.KUBERNETES;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        KubernetesTarget workload = target.kubernetes();
        if (workload == null || workload.workloadName() == null) {
            return failed(spec, "target " + target.id() + " is not a Kubernetes workload");
        }
        Duration timeout = CheckTimeouts.of(spec, defaultTimeout);
        Instant deadline = Instant.now().plus(timeout);
        KubernetesClient client;
        try {
            contexts.requireNamespace(workload.context(), workload.namespace());
            client = contexts.client(workload.context());
        } catch (IllegalArgumentException e) {
            return failed(spec, e.getMessage());
        }
        WorkloadStatus status;
        try {
            status = awaitFullyReady(client, workload, deadline);
        } catch (KubernetesClientException e) {
            return failed(spec, "cannot read " + workload.workloadKind() + " " + workload.namespace() + "/"
                    + workload.workloadName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ValidationInterruptedException("interrupted while running a kubernetes check", e);
        }
        if (!status.isFullyReady()) {
            return failed(spec,
                    status.describe() + (status.isAvailable() ? " (not every replica ready)" : " (not Available)")
                            + " after " + CheckTimeouts.timedOut(timeout).replace("timed out after ", ""));
        }
        if (spec.url() == null || spec.url().isBlank()) {
            return new CheckResult(spec.name(), spec.type(), true, status.describe());
        }
        return probe(spec, target, workload, client, status, Duration.between(Instant.now(), deadline));
    }

    private WorkloadStatus awaitFullyReady(KubernetesClient client, KubernetesTarget workload, Instant deadline)
            throws InterruptedException {
        while (true) {
            WorkloadStatus status = Workloads.read(client, workload.workloadKind(), workload.namespace(),
                    workload.workloadName());
            if (status.isFullyReady() || !Instant.now().isBefore(deadline)) {
                return status;
            }
            Thread.sleep(Math.max(1, Math.min(pollInterval.toMillis(),
                    Duration.between(Instant.now(), deadline).toMillis())));
        }
    }

    private CheckResult probe(CheckSpec spec, Target target, KubernetesTarget workload, KubernetesClient client,
            WorkloadStatus status, Duration remaining) {
        String service = workload.service() != null ? workload.service() : workload.workloadName();
        String url = spec.url().replace("${service}", service).replace("${id}", target.id())
                .replace("${address}", target.address() == null ? "" : target.address());
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return failed(spec, "invalid URL " + url + ": " + e.getMessage());
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            return failed(spec, "invalid URL " + url + ": expected http(s)://<service>[:port]/path");
        }
        // The Service's name is the host's first label (rule-engine, rule-engine.rules.svc, …).
        String serviceName = uri.getHost().split("\\.")[0];
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        String proxy = client.getConfiguration().getMasterUrl().replaceAll("/+$", "") + "/api/v1/namespaces/"
                + workload.namespace() + "/services/" + ("https".equals(uri.getScheme()) ? "https:" : "")
                + serviceName + ":" + port + "/proxy" + (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                        ? "/"
                        : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        int expected = spec.expectStatus() == null ? DEFAULT_STATUS : spec.expectStatus();
        // The answer through the proxy is the workload's own, and a 5xx from it is the check's result. fabric8
        // retries every 5xx with exponential backoff (10 times, some 20 s, by default), which for a failing
        // workload only put off the failure; the API server's own requests keep the client's retries.
        HttpClient http = client.getHttpClient().newBuilder().tag(new RequestConfigBuilder(
                client.getConfiguration().getRequestConfig()).withRequestRetryBackoffLimit(0).build()).build();
        try {
            HttpResponse<String> response = http.sendAsync(http.newHttpRequestBuilder().uri(proxy).build(),
                    String.class).get(Math.max(1, remaining.toMillis()), TimeUnit.MILLISECONDS);
            String seen = "HTTP " + response.code() + " from " + url + " through the API server";
            return response.code() == expected
                    ? new CheckResult(spec.name(), spec.type(), true, status.describe() + "; " + seen)
                    : failed(spec, seen + ", expected " + expected);
        } catch (TimeoutException e) {
            return failed(spec, CheckTimeouts.timedOut(CheckTimeouts.of(spec, defaultTimeout)) + " waiting for " + url);
        } catch (ExecutionException e) {
            return failed(spec, "request to " + url + " through the API server failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ValidationInterruptedException("interrupted while running a kubernetes check", e);
        }
    }

    private static CheckResult failed(CheckSpec spec, String detail) {
        return new CheckResult(spec.name(), spec.type(), false, detail);
    }
}
