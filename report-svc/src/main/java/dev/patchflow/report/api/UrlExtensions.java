package dev.patchflow.report.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.quarkus.qute.TemplateExtension;

/** Template helpers: {@code {t.targetId.pathSegment}} puts an id into a link's path safely. */
@TemplateExtension
public final class UrlExtensions {

    private UrlExtensions() {
    }

    /** The value as one URL path segment (spaces as {@code %20}, a {@code /} as {@code %2F}). */
    static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
