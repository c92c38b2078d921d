package dev.patchflow.sdk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;

import dev.patchflow.kubernetes.WorkloadStatus;
import dev.patchflow.kubernetes.Workloads;

/**
 * Waiting until the patched service is up before touching its data (seed: "patch should wait till the patched
 * service is started"): its HTTP readiness endpoint answers 2xx, or its Deployment/StatefulSet is Available. The
 * runner already waits for the workload before it creates the Job; a patch that restarts or depends on another
 * service waits here too.
 */
public final class ServiceWait {

    private static final Logger LOG = Logger.getLogger(ServiceWait.class.getName());

    private ServiceWait() {
    }

    /** Polls {@code url} until it answers 2xx; throws {@link ServiceNotReadyException} after {@code timeout}. */
    public static void http(URI url, Duration timeout, Duration interval) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(interval.multipliedBy(2)).build();
        Instant deadline = Instant.now().plus(timeout);
        String last = "no answer yet";
        while (true) {
            try {
                int status = http.send(HttpRequest.newBuilder(url).timeout(interval.multipliedBy(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    LOG.info(() -> url + " is ready");
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new ServiceNotReadyException(url + " was not ready within " + timeout.toSeconds() + "s (last: "
                        + last + ")");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /**
     * Waits until the workload ({@code Deployment} or {@code StatefulSet}) is Available. In the patch pod, the
     * runner sets {@code PATCHFLOW_NAMESPACE} and {@code PATCHFLOW_WORKLOAD} ({@code Kind/name}) to the patched
     * one, and the pod needs a service account allowed to read it.
     */
    public static WorkloadStatus workload(KubernetesClient client, String namespace, String kind, String name,
            Duration timeout, Duration interval) throws InterruptedException {
        WorkloadStatus status = Workloads.awaitAvailable(client, kind, namespace, name, timeout, interval);
        if (!status.isAvailable()) {
            throw new ServiceNotReadyException(status.describe() + " was not Available within "
                    + timeout.toSeconds() + "s");
        }
        LOG.info(() -> status.describe());
        return status;
    }

    /** The service did not come up in time. */
    public static final class ServiceNotReadyException extends RuntimeException {

        public ServiceNotReadyException(String message) {
            super(message);
        }
    }
}
