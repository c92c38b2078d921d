package dev.patchflow.validator.adapters.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.patchflow.schemas.events.CheckResult;
import dev.patchflow.schemas.events.CheckSpec;
import dev.patchflow.schemas.events.RunContext;
import dev.patchflow.schemas.events.Target;
import dev.patchflow.validator.config.ValidatorConfig;
import dev.patchflow.validator.domain.CheckTimeouts;
import dev.patchflow.validator.domain.HealthCheck;
import dev.patchflow.validator.domain.ValidationInterruptedException;

/**
 * {@code http}: one GET; passes when the status equals {@code expectStatus} (default 200). Redirects
 * are not followed, so a check can expect a 302 and a moved endpoint does not pass by accident.
 */
@Singleton
public class HttpCheck implements HealthCheck {

    static final int DEFAULT_STATUS = 200;

    private final Duration defaultTimeout;
    private final HttpClient client;

    @Inject
    public HttpCheck(ValidatorConfig config) {
        this(config.defaultTimeout());
    }

    public HttpCheck(Duration defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String type() {
        return CheckSpec.HTTP;
    }

    @Override
    public CheckResult run(CheckSpec spec, Target target, RunContext run) {
        if (spec.url() == null || spec.url().isBlank()) {
            return failed(spec, "no url given");
        }
        if (spec.url().contains("${address}") && (target.address() == null || target.address().isBlank())) {
            return failed(spec, "target " + target.id() + " has no address for " + spec.url());
        }
        String url = spec.url().replace("${address}", target.address() == null ? "" : target.address())
                .replace("${id}", target.id());
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return failed(spec, "invalid URL " + url + ": " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            return failed(spec, "invalid URL " + url + ": only http and https are supported");
        }
        int expected = spec.expectStatus() == null ? DEFAULT_STATUS : spec.expectStatus();
        Duration timeout = CheckTimeouts.of(spec, defaultTimeout);
        try {
            // The request timeout runs from the start of the exchange, so it bounds connecting too.
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            String seen = "HTTP " + status + " from " + url;
            return status == expected
                    ? new CheckResult(spec.name(), spec.type(), true, seen)
                    : failed(spec, seen + ", expected " + expected);
        } catch (HttpTimeoutException e) {
            return failed(spec, CheckTimeouts.timedOut(timeout));
        } catch (ConnectException e) {
            return failed(spec, connectFailure(e, uri, url));
        } catch (IOException e) {
            return failed(spec, "request to " + url + " failed: " + e);
        } catch (IllegalArgumentException e) {
            return failed(spec, "invalid URL " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ValidationInterruptedException("interrupted while running an http check", e);
        }
    }

    private static String connectFailure(ConnectException e, URI uri, String url) {
        if (e.getCause() instanceof UnresolvedAddressException) {
            return "unknown host " + uri.getHost() + ": " + url;
        }
        String message = e.getMessage();
        if (message == null || message.isBlank() || message.toLowerCase().contains("refused")) {
            return "connection refused: " + url;
        }
        return "cannot connect to " + url + ": " + message;
    }

    private static CheckResult failed(CheckSpec spec, String detail) {
        return new CheckResult(spec.name(), spec.type(), false, detail);
    }
}
