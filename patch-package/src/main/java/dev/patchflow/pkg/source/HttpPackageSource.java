package dev.patchflow.pkg.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** http(s) with the JDK client; follows redirects (not https → http), refuses non-2xx answers. */
public final class HttpPackageSource implements PackageSource {

    private final HttpClient client;
    private final Duration requestTimeout;

    public HttpPackageSource() {
        this(Duration.ofSeconds(10), Duration.ofMinutes(30));
    }

    /**
     * @param requestTimeout until the response headers arrive; the body is bounded by the
     *        download's size limit instead.
     */
    public HttpPackageSource(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.requestTimeout = requestTimeout;
    }

    @Override
    public boolean supports(URI uri) {
        String scheme = uri.getScheme();
        return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
    }

    @Override
    public InputStream open(URI uri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() / 100 != 2) {
            response.body().close();
            throw new IOException("GET " + uri + " answered " + response.statusCode());
        }
        return response.body();
    }
}
