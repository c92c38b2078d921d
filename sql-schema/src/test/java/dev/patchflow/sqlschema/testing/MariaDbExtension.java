package dev.patchflow.sqlschema.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link MariaDbServer} per test class ({@code @ExtendWith(MariaDbExtension.class)}), given to
 * {@code @BeforeAll}, constructors and test methods that declare a {@code MariaDbServer} parameter; stopped after
 * the class whatever its tests did.
 */
public final class MariaDbExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(MariaDbExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        MariaDbServer server = context.getStore(NAMESPACE).remove("server", MariaDbServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == MariaDbServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static MariaDbServer server(ExtensionContext context) {
        ExtensionContext classContext = context.getTestClass().isPresent() && context.getParent().isPresent()
                && context.getTestMethod().isPresent() ? context.getParent().get() : context;
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent("server", key -> {
            try {
                return MariaDbServer.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start MariaDB: " + e.getMessage(), e);
            }
        }, MariaDbServer.class);
    }
}
