package dev.patchflow.localstack;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD dispatcher, plus the two read-only subresources Patchflow uses that CRUD mode does not serve,
 * answered from annotations a test puts on the objects (so that any client, in any class loader, can script
 * them): a pod's log ({@link EmbeddedKubernetes#LOG_ANNOTATION}) and a GET through a Service's proxy
 * ({@link EmbeddedKubernetes#PROXY_STATUS_ANNOTATION}). Every request is recorded ({@code GET /_standin/requests})
 * so that a test can count, say, how many Jobs were created.
 */
final class KubernetesStandInDispatcher extends Dispatcher {

    static final String REQUESTS_PATH = "/_standin/requests";

    private static final Pattern POD_LOG = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log(\\?.*)?$");
    private static final Pattern SERVICE_PROXY = Pattern
            .compile("^/api/v1/namespaces/([^/]+)/services/(?:https?:)?([^/:]+)(?::([^/]+))?/proxy(/[^?]*)?(\\?.*)?$");

    private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (REQUESTS_PATH.equals(path)) {
            return new MockResponse().setResponseCode(200).setBody(String.join("\n", requests));
        }
        int query = path.indexOf('?');
        requests.add(request.getMethod() + " " + (query < 0 ? path : path.substring(0, query)));
        if ("GET".equals(request.getMethod())) {
            Matcher log = POD_LOG.matcher(path);
            if (log.matches()) {
                return fromAnnotations("/api/v1/namespaces/" + log.group(1) + "/pods/" + log.group(2),
                        annotations -> new MockResponse().setResponseCode(200)
                                .setHeader("Content-Type", "text/plain")
                                .setBody(annotations.getOrDefault(EmbeddedKubernetes.LOG_ANNOTATION, "")));
            }
            Matcher proxy = SERVICE_PROXY.matcher(path);
            if (proxy.matches()) {
                return fromAnnotations("/api/v1/namespaces/" + proxy.group(1) + "/services/" + proxy.group(2),
                        annotations -> new MockResponse()
                                .setResponseCode(Integer.parseInt(
                                        annotations.getOrDefault(EmbeddedKubernetes.PROXY_STATUS_ANNOTATION, "503")))
                                .setBody(annotations.getOrDefault(EmbeddedKubernetes.PROXY_BODY_ANNOTATION, "")));
            }
        }
        return crud.dispatch(request);
    }

    private MockResponse fromAnnotations(String objectPath,
            java.util.function.Function<Map<String, String>, MockResponse> answer) {
        MockResponse object = crud.handleGet(objectPath);
        if (object.code() != 200) {
            return object;
        }
        HasMetadata resource = Serialization.unmarshal(
                new String(object.getBody().getBytes(), StandardCharsets.UTF_8));
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return answer.apply(annotations == null ? Map.of() : annotations);
    }
}
