package dev.patchflow.localstack;

import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Real servers for a plain JUnit 5 test or IT (no Quarkus): one {@link LocalStack} per test class, on random ports with a
 * temporary data directory and in-memory Mongo, injected into any {@code LocalStack} parameter (constructor,
 * lifecycle or test method).
 *
 * <pre>{@code
 * @ExtendWith(LocalStackExtension.class)
 * class BackupIT {
 *     @Test
 *     void archivesTheTarget(LocalStack stack) { ... stack.kafkaBootstrapServers() ... }
 * }
 *
 * // or, to choose what starts:
 * @RegisterExtension
 * static LocalStackExtension stack = new LocalStackExtension(b -> b.s3(false));
 * }</pre>
 */
public class LocalStackExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(LocalStackExtension.class);

    private final Consumer<LocalStack.Builder> customizer;
    private LocalStack stack;

    public LocalStackExtension() {
        this(builder -> {
        });
    }

    /** @param customizer adjusts the builder (what to start, ports); it starts with random ports and in-memory Mongo */
    public LocalStackExtension(Consumer<LocalStack.Builder> customizer) {
        this.customizer = customizer;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LocalStack.Builder builder = LocalStack.builder().persistentMongo(false);
        customizer.accept(builder);
        stack = builder.start();
        context.getStore(NAMESPACE).put(LocalStack.class, stack);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LocalStack stopping = context.getStore(NAMESPACE).remove(LocalStack.class, LocalStack.class);
        stack = null;
        if (stopping != null) {
            stopping.close();
        }
    }

    /** The running stack, for a test that registered this extension in a static field. */
    public LocalStack stack() {
        if (stack == null) {
            throw new IllegalStateException(
                    "The local stack starts before all tests of the class and stops after them");
        }
        return stack;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        for (ExtensionContext c = extensionContext; c != null; c = c.getParent().orElse(null)) {
            LocalStack found = c.getStore(NAMESPACE).get(LocalStack.class, LocalStack.class);
            if (found != null) {
                return found;
            }
        }
        throw new ParameterResolutionException("No local stack started for " + extensionContext.getDisplayName());
    }
}
