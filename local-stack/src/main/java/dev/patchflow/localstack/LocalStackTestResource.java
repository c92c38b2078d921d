package dev.patchflow.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real servers for a {@code @QuarkusTest}: {@code @WithTestResource(LocalStackTestResource.class)} starts Kafka, Mongo
 * (in memory) and S3 on random loopback ports with a temporary data directory, and hands Quarkus the configuration
 * ({@link LocalStack#serviceProperties()}). Start a subset with init args, e.g.
 * {@code @WithTestResource(value = LocalStackTestResource.class, initArgs = @ResourceArg(name = "s3", value = "false"))}.
 * <p>
 * Tests that produce or consume directly can either inject the configuration ({@code @ConfigProperty(name =
 * "kafka.bootstrap.servers")}) or use {@link #current()}.
 */
public class LocalStackTestResource implements QuarkusTestResourceLifecycleManager {

    /**
     * System properties carrying the running stack's configuration, prefixed: Quarkus may load a test class and this
     * resource in different class loaders, where a static field would not be shared.
     */
    static final String SYSTEM_PROPERTY_PREFIX = "patchflow.localstack.current.";

    private static volatile LocalStack current;

    private boolean kafka = true;
    private boolean mongo = true;
    private boolean s3 = true;
    private LocalStack stack;

    @Override
    public void init(Map<String, String> initArgs) {
        kafka = flag(initArgs, "kafka");
        mongo = flag(initArgs, "mongo");
        s3 = flag(initArgs, "s3");
    }

    private static boolean flag(Map<String, String> args, String name) {
        String value = args.get(name);
        return value == null || Boolean.parseBoolean(value.trim());
    }

    @Override
    public Map<String, String> start() {
        stack = LocalStack.builder().persistentMongo(false).kafka(kafka).mongo(mongo).s3(s3).start();
        current = stack;
        Map<String, String> properties = new LinkedHashMap<>(stack.serviceProperties());
        properties.forEach((key, value) -> System.setProperty(SYSTEM_PROPERTY_PREFIX + key, value));
        return properties;
    }

    @Override
    public void stop() {
        LocalStack stopping = stack;
        stack = null;
        if (current == stopping) {
            current = null;
        }
        if (stopping != null) {
            stopping.serviceProperties().keySet().forEach(key -> System.clearProperty(SYSTEM_PROPERTY_PREFIX + key));
            stopping.close();
        }
    }

    /**
     * The stack started for the running {@code @QuarkusTest}. If this class was loaded by another class loader than the
     * resource's, the result is a view built from the same configuration (its {@link LocalStack#close()} stops
     * nothing).
     *
     * @throws IllegalStateException if no stack is running
     */
    public static LocalStack current() {
        LocalStack stack = current;
        if (stack != null) {
            return stack;
        }
        Map<String, String> properties = new LinkedHashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(SYSTEM_PROPERTY_PREFIX))
                .forEach(name -> properties.put(name.substring(SYSTEM_PROPERTY_PREFIX.length()),
                        System.getProperty(name)));
        if (properties.isEmpty()) {
            throw new IllegalStateException("No local stack is running: annotate the test with "
                    + "@WithTestResource(LocalStackTestResource.class)");
        }
        return LocalStack.view(properties);
    }
}
