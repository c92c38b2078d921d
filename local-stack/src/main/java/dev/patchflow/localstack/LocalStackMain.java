package dev.patchflow.localstack;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * The local run: starts Kafka, Mongo (persistent) and S3 on fixed loopback ports with all data under one directory,
 * prints the service configuration as {@code key=value} lines and then {@code LOCAL STACK READY} (what a launcher waits
 * for), and stops everything on SIGTERM or Ctrl-C.
 *
 * <pre>
 * java -cp ... dev.patchflow.localstack.LocalStackMain [--data-dir ./.patchflow/data] [--kafka-port 19092]
 *      [--mongo-port 27027] [--s3-port 19000]
 * </pre>
 */
public final class LocalStackMain {

    public static final String READY_LINE = "LOCAL STACK READY";

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        // Before any logger exists: Kafka logs through slf4j to JBoss LogManager, which must own JUL to print.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        }
        Path dataDir = Paths.get(".patchflow", "data");
        int kafkaPort = 19092;
        int mongoPort = 27027;
        int s3Port = 19000;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (arg) {
                case "--data-dir" -> dataDir = Paths.get(require(arg, value));
                case "--kafka-port" -> kafkaPort = port(arg, value);
                case "--mongo-port" -> mongoPort = port(arg, value);
                case "--s3-port" -> s3Port = port(arg, value);
                case "-h", "--help" -> {
                    System.out.println("Usage: LocalStackMain [--data-dir DIR] [--kafka-port N] [--mongo-port N] "
                            + "[--s3-port N]");
                    return;
                }
                default -> usage("Unknown option: " + arg);
            }
            i++;
        }

        LocalStack stack;
        try {
            stack = LocalStack.builder()
                    .dataDir(dataDir)
                    .kafkaPort(kafkaPort)
                    .mongoPort(mongoPort)
                    .s3Port(s3Port)
                    .persistentMongo(true)
                    .start();
        } catch (IllegalStateException e) {
            System.err.println("Local stack failed to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stack.close();
            } finally {
                stopped.countDown();
            }
        }, "localstack-stop"));
        stack.serviceProperties().forEach((key, value) -> System.out.println(key + "=" + value));
        System.out.println("data-dir=" + stack.dataDir());
        System.out.println(READY_LINE);
        System.out.flush();
        stopped.await();
    }

    private static String require(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(require(option, value));
            if (port < 0 || port > 65535) {
                usage(option + ": not a port: " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            usage(option + ": not a port: " + value);
            return -1;
        }
    }

    private static void usage(String message) {
        System.err.println(message);
        System.err.println("Usage: LocalStackMain [--data-dir DIR] [--kafka-port N] [--mongo-port N] [--s3-port N]");
        System.exit(2);
    }
}
