package dev.patchflow.report.support;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.Variant;

import dev.patchflow.report.domain.format.ReportRenderer;

/**
 * The production templates rendered by a plain Qute engine (HTML escaping on, as in Quarkus), so that
 * format and projector tests run without booting the application.
 */
public final class TestRenderer {

    private TestRenderer() {
    }

    public static ReportRenderer create() {
        return new ReportRenderer(engine().getTemplate("report.html"));
    }

    /** A Qute engine that finds the service's templates on the classpath. */
    public static Engine engine() {
        return Engine.builder().addDefaults().addValueResolver(new ReflectionValueResolver())
                .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).addLocator(TestRenderer::locate)
                .build();
    }

    private static Optional<TemplateLocation> locate(String id) {
        String name = id.endsWith(".html") ? id : id + ".html";
        var url = TestRenderer.class.getClassLoader().getResource("templates/" + name);
        if (url == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocation() {

            @Override
            public Reader read() {
                try {
                    return new InputStreamReader(url.openStream(), StandardCharsets.UTF_8);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(Variant.forContentType(Variant.TEXT_HTML));
            }
        });
    }
}
